/**
 * The benchmark's regression guard (not a test): every figure of a run beside the same figure
 * of the last release, stored in bench/results/release.json, with a change for the worse of
 * more than 3 % marked. `npm run bench -- --save-release` (on the release's commit) stores the
 * run's figures there; a partial run (`--only ...`) replaces only the figures it measured.
 * Every figure is lower-is-better (a time, a ratio of times, megabytes).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import type { BurstResult } from './scenarios/burst';
import type { CpuResult } from './scenarios/cpu';
import type { MemoryResult } from './scenarios/memory';
import type { RateLimitedResult } from './scenarios/rateLimited';
import type { RealMemoryResult } from './scenarios/realMemory';
import type { SentBeforeResult } from './scenarios/sentBefore';
import type { ThroughputResult } from './scenarios/throughput';
import { round } from './stats';

/** A worsening beyond this share is marked. */
export const WORSE_BEYOND = 0.03;

export interface Figure {
	name: string;
	value: number;
	unit: string;
}

interface StoredFigure {
	value: number;
	unit: string;
	commit: string;
	createdAt: string;
	loadAverageAtStart: number[];
}

export interface ReleaseFile {
	note: string;
	figures: Record<string, StoredFigure>;
}

export interface Comparison {
	name: string;
	unit: string;
	value: number;
	release?: number;
	releaseCommit?: string;
	/** (value − release) ÷ release; positive is worse. */
	change?: number;
	worse: boolean;
}

/** What a run measured, as far as it got. */
export interface Measured {
	throughput?: ThroughputResult[];
	cpu?: CpuResult;
	rateLimited?: RateLimitedResult;
	memory?: MemoryResult;
	sentBefore?: SentBeforeResult;
	burst?: BurstResult;
	realMemory?: RealMemoryResult;
}

const count = (n: number) => n.toLocaleString('en-US');

export function figuresOf(run: Measured): Figure[] {
	const figures: Figure[] = [];
	for (const t of run.throughput ?? []) {
		const work = `${count(t.items)} items × ${t.latencyMs} ms${t.jitterMs ? ` + 0–${t.jitterMs} ms` : ''}`;
		figures.push({ name: `Throughput ${work}: node ÷ raw client`, value: t.ratio.vsFasterRaw, unit: '×' });
	}
	if (run.cpu) figures.push({ name: `CPU per item at 0 ms (${count(run.cpu.items)} items)`, value: run.cpu.ours.median, unit: 'ms' });
	const limited = run.rateLimited?.rows[0];
	if (run.rateLimited && limited) {
		figures.push({ name: `Rate-limited API, ${count(run.rateLimited.items)} items: node wall time (in-process)`, value: round(limited.wallMs.median / 1000, 3), unit: 's' });
	}
	if (run.memory) figures.push({ name: `Memory, ${count(run.memory.items)} items: peak RSS above idle engine`, value: run.memory.peakAboveIdleMb, unit: 'MB' });
	for (const row of run.sentBefore?.rows ?? []) {
		figures.push({ name: `Skip If Invited Within, ${count(row.items)} items × ${row.latencyMs} ms: with ÷ without the store`, value: row.ratio, unit: '×' });
	}
	for (const row of run.burst?.rows ?? []) {
		figures.push({ name: `Burst of ${count(row.executions)} executions (in-process): wall time`, value: round(row.wallMs.median / 1000, 3), unit: 's' });
	}
	const [ours, peer] = run.realMemory?.rows ?? [];
	if (ours && peer && peer.peakAboveStartMb > 0) {
		figures.push({ name: `Real n8n memory, ${count(run.realMemory?.items ?? 0)} items: node ÷ HTTP Request + Switch`, value: round(ours.peakAboveStartMb / peer.peakAboveStartMb, 3), unit: '×' });
	}
	return figures;
}

export function readRelease(file: string): ReleaseFile | undefined {
	if (!existsSync(file)) return undefined;
	return JSON.parse(readFileSync(file, 'utf8')) as ReleaseFile;
}

export function compare(figures: Figure[], release: ReleaseFile | undefined): Comparison[] {
	return figures.map((figure) => {
		const stored = release?.figures[figure.name];
		if (!stored || stored.value === 0) return { ...figure, worse: false };
		const change = (figure.value - stored.value) / stored.value;
		return { ...figure, release: stored.value, releaseCommit: stored.commit.slice(0, 7), change: round(change, 4), worse: change > WORSE_BEYOND };
	});
}

/** Stores this run's figures as the release's, keeping the stored figures this run did not measure. */
export function saveRelease(file: string, figures: Figure[], run: { commit: string; createdAt: string; loadAverageAtStart: number[] }): void {
	const release: ReleaseFile = readRelease(file) ?? {
		note: 'Figures of the last release (npm run bench -- --save-release), compared with every bench run. Lower is better.',
		figures: {},
	};
	for (const figure of figures) release.figures[figure.name] = { value: figure.value, unit: figure.unit, ...run };
	writeFileSync(file, `${JSON.stringify(release, null, 2)}\n`);
}

export function guardTable(comparisons: Comparison[], releaseFile: string): string[] {
	if (comparisons.length === 0) return [];
	const shown = (value: number, unit: string) => (unit === '×' ? value.toFixed(3) : `${value} ${unit}`);
	const worse = comparisons.filter((c) => c.worse).length;
	return [
		`Against the last release (${releaseFile}; lower is better; a change for the worse beyond ${WORSE_BEYOND * 100} % is marked):`,
		'',
		'| Figure | This run | Last release | Change | |',
		'|---|---|---|---|---|',
		...comparisons.map((c) =>
			c.release === undefined
				? `| ${c.name} | ${shown(c.value, c.unit)} | – | – | |`
				: `| ${c.name} | ${shown(c.value, c.unit)} | ${shown(c.release, c.unit)} (${c.releaseCommit}) | ${c.change! > 0 ? '+' : ''}${(c.change! * 100).toFixed(1)} % | ${c.worse ? '**WORSE**' : ''} |`,
		),
		...(worse > 0 ? ['', `${worse} figure(s) worse than the last release by more than ${WORSE_BEYOND * 100} % (on a loaded machine, re-run before believing it).`] : []),
	];
}
