/**
 * A bench scenario is a declaration, one file in bench/scenarios/: its name (its key in the results
 * file and its block in docs/performance.md), `--only` groups, whether it needs the real n8n, and
 * `run`, which measures over the shared steps and returns its table, goals and stored result.
 */
import path from 'node:path';

import { discoverExports } from '../harness/discover';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import type { RealN8nBench } from './realN8n';

export type Group = 'burst' | 'speed';

export interface Settings {
	/** Repetitions of every timed row: the figure is their median. */
	reps: number;
	/** Requests in flight, for our node and the plain clients alike. */
	concurrency: number;
	realN8n: boolean;
	/** Fewer items and one repetition: a smoke test of the bench itself, not a result. */
	quick: boolean;
	/** A group or a scenario's name. */
	only?: string;
}

export type Context = { sim: SimulatorProcess; settings: Settings; real?: RealN8nBench };
export type Goal = { name: string; value: string; target: string; met: boolean };

export interface Scenario {
	name: string;
	/** Its place in the run and the report: lowest first. */
	order: number;
	/** The `--only` groups it runs in; every scenario runs in the full run. */
	groups?: Group[];
	/** 'needed': runs only when the real n8n came up; 'optional': with its real rows if it did. */
	realN8n?: 'needed' | 'optional';
	run(context: Context): Promise<{ table: string[]; goals: Goal[]; result: unknown }>;
}

export const scenario = (spec: Scenario): Scenario => spec;

export const scenarios = () =>
	discoverExports(
		path.join(__dirname, 'scenarios'),
		(value): value is Scenario => typeof (value as Scenario | null)?.run === 'function',
	).sort((a, b) => a.order - b.order);

/** A scenario's item count, shrunk in quick mode. */
export const itemsFor = (settings: Settings, items: number) =>
	settings.quick ? Math.max(50, Math.round(items / 10)) : items;
