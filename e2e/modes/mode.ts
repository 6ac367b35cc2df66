/** What run.ts asks of a mode (single.ts, queue.ts). */
import type { SimulatorProcess } from '../../harness/simulatorProcess';
import type { Scenario } from '../scenario';

export interface ModeRun {
	/** this run's work folder (kept on failure) */
	work: string;
	versions: string[];
	/** this mode's scenarios, filtered by --only, in order */
	scenarios: Scenario[];
	/** no --only: every scenario of the mode runs */
	complete: boolean;
}

/** Our package, packed, and the simulator; undefined when that set-up failed. */
export type Built = { tgz: string; sim: SimulatorProcess } | undefined;

export interface LogTail {
	title: string;
	file: string;
	lines: number;
}

export interface ModeDefinition {
	defaultVersions: string[];
	/** the whole run is stopped after this (GCORE_E2E_TIMEOUT_MIN overrides) */
	timeoutMin: number;
	/** Starts what takes long and needs no package (n8n installs, services) while the package is built. */
	begin(run: ModeRun): {
		/** e.g. "e2e in the real n8n (2.41.1, 1.123.81)" */
		title: string;
		/** Tailed when anything failed. */
		logs: LogTail[];
		/** Each scenario as a check line; a set-up failing is a failed check, never a throw. */
		run(built: Built): Promise<void>;
		/** Printed after everything is stopped; `failed`: checks that failed. */
		report?(failed: number): string;
	};
}
