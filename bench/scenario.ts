/**
 * A bench scenario is a declaration: one file in bench/scenarios/ exports `scenario({ ... })` with
 * its name (its key in bench/results/*.json and its table's block in docs/performance.md), the
 * `--only` groups it belongs to, whether it needs the real n8n, and `run`, which measures over the
 * shared steps (measure.ts, engine.ts, rawClients.ts, realN8n.ts) and returns its table and goals.
 */
import path from 'node:path';

import { discoverExports } from '../harness/discover';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import type { RealN8nBench } from './realN8n';

export interface Settings {
	/** Repetitions of every timed row: the figure is their median. */
	reps: number;
	/** Requests in flight, for our node and the plain clients alike. */
	concurrency: number;
	realN8n: boolean;
	/** Fewer items and one repetition: a smoke test of the bench itself, not a result. */
	quick: boolean;
	only?: Group;
}

export type Group = 'burst' | 'speed';

export interface Context {
	sim: SimulatorProcess;
	settings: Settings;
	/** The real n8n 2.41.1, for a scenario that `needsRealN8n` (or uses it when there). */
	real?: RealN8nBench;
}

/** A goal of the bench, judged on this run. */
export interface Goal {
	name: string;
	value: string;
	target: string;
	met: boolean;
}

export interface Outcome {
	/** Markdown lines: what was measured, then its table. */
	table: string[];
	goals: Goal[];
	/** Stored in bench/results/*.json under the scenario's name. */
	result: unknown;
}

export interface Scenario {
	name: string;
	/** Its place in the run and the report: lowest first. */
	order: number;
	/** The `--only` groups it runs in; every scenario runs in the full run. */
	groups: Group[];
	/** Runs only when the real n8n came up; 'optional': runs anyway, with its real rows if it did. */
	realN8n?: 'needed' | 'optional';
	run(context: Context): Promise<Outcome>;
}

export const scenario = (spec: Scenario): Scenario => spec;

function isScenario(value: unknown): value is Scenario {
	const s = value as Partial<Scenario> | null;
	return typeof s?.name === 'string' && typeof s.run === 'function' && Array.isArray(s.groups);
}

export function scenarios(): Scenario[] {
	return discoverExports(path.join(__dirname, 'scenarios'), isScenario).sort(
		(a, b) => a.order - b.order,
	);
}

/** A scenario's item count, shrunk in quick mode. */
export function itemsFor(settings: Settings, items: number): number {
	return settings.quick ? Math.max(50, Math.round(items / 10)) : items;
}
