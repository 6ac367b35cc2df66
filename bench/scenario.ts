/** A scenario, one file in bench/scenarios/: its name keys its result and its docs/performance.md block. */
import path from 'node:path';

import { discoverExports } from '../harness/discover';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import type { RealN8nBench } from './realN8n';

/** reps: runs per row (figures are medians); concurrency: in flight for every client; quick: a smoke test. */
export type Settings = {
	reps: number;
	concurrency: number;
	realN8n: boolean;
	quick: boolean;
	only?: string;
};

export type Context = { sim: SimulatorProcess; settings: Settings; real?: RealN8nBench };
export type Goal = { name: string; value: string; target: string; met: boolean };

export interface Scenario {
	name: string;
	groups?: string[];
	/** 'needed': runs only with the real n8n; 'optional': adds its real rows then. Both run after the rest. */
	realN8n?: 'needed' | 'optional';
	run(context: Context): Promise<{ table: string[]; goals?: Goal[]; result: unknown }>;
}

const RANK = [undefined, 'optional', 'needed'];

export const scenarios = () =>
	discoverExports(
		path.join(__dirname, 'scenarios'),
		(value): value is Scenario => typeof (value as Scenario | null)?.run === 'function',
	).sort((a, b) => RANK.indexOf(a.realN8n) - RANK.indexOf(b.realN8n));

export const itemsFor = ({ quick }: Pick<Settings, 'quick'>, items: number) =>
	quick ? Math.max(50, Math.round(items / 10)) : items;
