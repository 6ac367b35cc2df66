/** The benchmark's printed report: its header, the scenarios' tables, targets and problems, and the helpers their tables share. */
import type { BenchSettings } from './context';
import type { Section } from './scenario';

/** What every bench/results/*.json holds before the scenarios' fields. */
export interface RunHeader {
	createdAt: string;
	commit: string;
	/** Files of the package that differed from the commit when the run started. */
	uncommitted: string[];
	machine: {
		cpus: number;
		cpuModel: string;
		memoryGb: number;
		node: string;
		platform: string;
		loadAverageAtStart: number[];
		loadAverageAtEnd: number[];
	};
	settings: BenchSettings;
	durationSeconds: number;
}

// The tables' cells: milliseconds as seconds, a share as a percentage, a count with thousands separators, every run's seconds, a target's verdict.
export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const pct = (share: number) => `${Math.round(share * 100)} %`;
export const count = (n: number) => n.toLocaleString('en-US');
export const runSeconds = (spread: { runs: number[] }) =>
	spread.runs.map((ms) => (ms / 1000).toFixed(2)).join(', ');
export const mark = (met: boolean) => (met ? 'met' : '**missed**');

/** The header, each scenario's tables in the order given, one targets table, the problems seen. */
export function renderReport(header: RunHeader, sections: Section[]): string {
	const m = header.machine;
	const lines = [
		`Gcore IAM node benchmark, ${header.createdAt} (commit ${header.commit.slice(0, 7)}${header.uncommitted.length ? ', with uncommitted changes' : ''})`,
		`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end.`,
		`Medians of ${header.settings.reps} runs${header.settings.quick ? ' (QUICK MODE: fewer items, not a result)' : ''}; simulator in its own process on 127.0.0.1.`,
	];
	for (const section of sections) if (section.table.length) lines.push('', ...section.table);
	const targets = sections.flatMap((section) => section.targets);
	if (targets.length)
		lines.push(
			'',
			'| Target | Value | Wanted | |',
			'|---|---|---|---|',
			...targets.map((t) => `| ${t.name} | ${t.value} | ${t.target} | ${mark(t.met)} |`),
		);
	const problems = sections.flatMap((section) => section.problems);
	if (problems.length) lines.push('', 'Problems seen:', ...problems.map((p) => `- ${p}`));
	return lines.join('\n');
}
