/**
 * What a bench scenario is: one file in bench/scenarios/ exports one `scenario({ ... })` with how
 * many progress steps it takes, how it runs, and what the report shows of its result (tables,
 * targets, the figures the release guard compares, problems), where it stands in the report and
 * in which groups it runs. bench/run.ts finds every scenario in that folder (a new scenario is one
 * new file); the rest (progress, simulator, real n8n, results file, printing, release guard) is the
 * run's, shared by all.
 */
import type { BenchContext, BenchSettings } from './context';
import type { RealN8nBench } from './realN8nBaseline';
import type { Figure } from './releaseGuard';

/** A row of the targets table: what was wanted, what the run got. */
export interface Target {
	name: string;
	value: string;
	target: string;
	met: boolean;
}

export interface ScenarioContext extends BenchContext {
	/** The real n8n 2.41.1, when the run started it (see `realN8n`) and it came up. */
	real?: RealN8nBench;
}

/** The full run (`all`) and the `--only` groups. */
export type GroupName = 'all' | 'burst' | 'speed' | 'store';

export interface ScenarioSpec<R> {
	/** Its name in progress lines and, unless `field` says otherwise, its key in bench/results/*.json. */
	name: string;
	/** Where its tables stand in the report (and its field in the results file): lowest first. */
	reportOrder: number;
	/** The groups it runs in, each with its place in that group's run: lowest first. */
	runs: Partial<Record<GroupName, number>>;
	/** Its key in bench/results/*.json, where two scenarios fill the same one (a shorter variant of a scenario). */
	field?: string;
	/**
	 * 'needs': runs only with the real n8n (a group with such a scenario starts it, unless
	 * --no-real-n8n). 'uses': runs after it started, with it if the group started it. Either way the
	 * real n8n starts just before the first such scenario of the group.
	 */
	realN8n?: 'needs' | 'uses';
	/** Progress steps it takes; `withRealN8n`: the run starts the real n8n. */
	steps(settings: BenchSettings, withRealN8n: boolean): number;
	run(context: ScenarioContext): Promise<R>;
	/** Its part of the printed report (markdown lines). */
	table?(result: R): string[];
	/** Its rows of the targets table. */
	targets?(result: R): Target[];
	/** Its figures for the release guard (releaseGuard.ts); a figure's name is its key in bench/results/release.json. */
	figures?(result: R): Figure[];
	/** Problems seen, listed under the tables. */
	problems?(result: R): string[];
}

/** A scenario's result and what the report takes from it. */
export interface Section {
	field: string;
	result: unknown;
	table: string[];
	targets: Target[];
	figures: Figure[];
	problems: string[];
}

/** A scenario as run.ts lists it, whatever its result type. */
export interface Scenario {
	name: string;
	reportOrder: number;
	runs: Partial<Record<GroupName, number>>;
	/** Its key in bench/results/*.json. */
	field: string;
	realN8n?: 'needs' | 'uses';
	steps(settings: BenchSettings, withRealN8n: boolean): number;
	/** Its section of the report; none when it measures nothing (the warm-up). */
	run(context: ScenarioContext): Promise<Section | undefined>;
	/** The section of a result read back from its field in bench/results/*.json (to print a report again). */
	section(result: unknown): Section;
}

export function scenario<R>(spec: ScenarioSpec<R>): Scenario {
	const field = spec.field ?? spec.name;
	const section = (result: R): Section => ({
		field,
		result,
		table: spec.table?.(result) ?? [],
		targets: spec.targets?.(result) ?? [],
		figures: spec.figures?.(result) ?? [],
		problems: spec.problems?.(result) ?? [],
	});
	return {
		name: spec.name,
		reportOrder: spec.reportOrder,
		runs: spec.runs,
		field,
		realN8n: spec.realN8n,
		steps: spec.steps,
		async run(context) {
			const result = await spec.run(context);
			return result === undefined ? undefined : section(result);
		},
		section: (result) => section(result as R),
	};
}

/** The real n8n of a scenario that `needs` it (the run skips such a scenario without one). */
export function realN8nOf(context: ScenarioContext): RealN8nBench {
	if (!context.real)
		throw new Error('this scenario needs the real n8n, and the run did not start it');
	return context.real;
}
