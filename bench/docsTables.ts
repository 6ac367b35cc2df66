/**
 * The measured tables in docs/performance.md, kept from drifting: between `<!-- bench:<field> -->`
 * and `<!-- /bench -->` stands the table of the scenario that writes <field> in
 * bench/results/latest.json, under a line naming the run it comes from. A full `npm run bench`
 * (not --quick, not --only) rewrites every block it measured; the others stay as they were.
 */
import { writeDocsBlocks } from '../harness/docsBlock';
import type { RunHeader } from './report';
import type { Section } from './scenario';

function provenance(header: RunHeader): string {
	const m = header.machine;
	return `From \`npm run bench\` at commit ${header.commit.slice(0, 7)}${header.uncommitted.length ? ' (with uncommitted changes)' : ''}, ${header.createdAt.slice(0, 10)}, medians of ${header.settings.reps}; ${m.cpus} × ${m.cpuModel}, load average ${m.loadAverageAtStart.join(' ')} at start (bench/results/latest.json).`;
}

/** Rewrites the blocks of `file` whose field this run measured; returns those fields. */
export function writeDocsTables(file: string, header: RunHeader, sections: Section[]): string[] {
	const byField = new Map(
		sections.filter((section) => section.table.length).map((section) => [section.field, section]),
	);
	return writeDocsBlocks(file, 'bench', (field) => {
		const section = byField.get(field);
		return section && `${provenance(header)}\n\n${section.table.join('\n')}`;
	});
}
