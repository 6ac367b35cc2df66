/**
 * The benchmark's regression guard (not a test): every figure of a run beside the same figure
 * of the last release, stored in bench/results/release.json, with a change for the worse of
 * more than 3 % marked. `npm run bench -- --save-release` (on the release's commit) stores the
 * run's figures there; a partial run (`--only ...`) replaces only the figures it measured.
 * Every figure is lower-is-better (a time, a ratio of times, megabytes). Each scenario names its
 * figures (bench/scenario.ts, `figures`); their names are the keys of release.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

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

export function readRelease(file: string): ReleaseFile | undefined {
	if (!existsSync(file)) return undefined;
	return JSON.parse(readFileSync(file, 'utf8')) as ReleaseFile;
}

export function compare(figures: Figure[], release: ReleaseFile | undefined): Comparison[] {
	return figures.map((figure) => {
		const stored = release?.figures[figure.name];
		if (!stored || stored.value === 0) return { ...figure, worse: false };
		const change = (figure.value - stored.value) / stored.value;
		return {
			...figure,
			release: stored.value,
			releaseCommit: stored.commit.slice(0, 7),
			change: round(change, 4),
			worse: change > WORSE_BEYOND,
		};
	});
}

/** Stores this run's figures as the release's, keeping the stored figures this run did not measure. */
export function saveRelease(
	file: string,
	figures: Figure[],
	run: { commit: string; createdAt: string; loadAverageAtStart: number[] },
): void {
	const release: ReleaseFile = readRelease(file) ?? {
		note: 'Figures of the last release (npm run bench -- --save-release), compared with every bench run. Lower is better.',
		figures: {},
	};
	for (const figure of figures)
		release.figures[figure.name] = { value: figure.value, unit: figure.unit, ...run };
	writeFileSync(file, `${JSON.stringify(release, null, 2)}\n`);
}

export function guardTable(comparisons: Comparison[], releaseFile: string): string[] {
	if (comparisons.length === 0) return [];
	const shown = (value: number, unit: string) =>
		unit === '×' ? value.toFixed(3) : `${value} ${unit}`;
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
		...(worse > 0
			? [
					'',
					`${worse} figure(s) worse than the last release by more than ${WORSE_BEYOND * 100} % (on a loaded machine, re-run before believing it).`,
				]
			: []),
	];
}
