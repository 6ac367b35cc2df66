/** What every scenario gets: the simulator, the progress line and the run's settings. */
import path from 'node:path';

import type { Progress } from './progress';
import { REPO } from '../harness/ourPackage';
import type { SimulatorProcess } from '../harness/simulatorProcess';

/** Where runs write their results (bench/results/*.json, the CPU profile). */
export const RESULTS_DIR = path.join(REPO, 'bench', 'results');

export interface BenchSettings {
	/** Repetitions of each timed run (the median is reported). */
	reps: number;
	/** Requests in flight, for our node and the raw clients alike. */
	concurrency: number;
	/** Run the real n8n 2.41.1 parts (scenario 3 baseline, ours in real n8n). */
	realN8n: boolean;
	/** Fewer items and repetitions: a smoke test of the benchmark itself, not a result. */
	quick: boolean;
	/** Run only this group of scenarios (`--only burst`, `--only speed` or `--only store`: bench/run.ts, GROUPS), written to bench/results/<name>.json. */
	only?: string;
	/** Store this run's figures as the last release's (bench/results/release.json). */
	saveRelease: boolean;
}

export interface BenchContext {
	sim: SimulatorProcess;
	progress: Progress;
	settings: BenchSettings;
}

/** The item count of a scenario, shrunk in quick mode. */
export function itemsFor(context: Pick<BenchContext, 'settings'>, items: number): number {
	return context.settings.quick ? Math.max(50, Math.round(items / 10)) : items;
}
