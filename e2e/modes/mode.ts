/** What run.ts asks of a mode (single.ts, queue.ts). */
import type { SimulatorProcess } from '../../harness/simulatorProcess';
import type { Scenario } from '../scenario';

export interface ModeRun {
	/** this run's work folder (kept on failure) */
	work: string;
	versions: string[];
	/** this mode's scenarios, filtered by --only, in order; `complete`: no --only */
	scenarios: Scenario[];
	complete: boolean;
}

/** Our package, packed, and the simulator; undefined when that set-up failed. */
export type Built = { tgz: string; sim: SimulatorProcess } | undefined;

export type LogTail = { title: string; file: string; lines: number };

export interface ModeDefinition {
	defaultVersions: string[];
	/** the whole run is stopped after this (GCORE_E2E_TIMEOUT_MIN overrides) */
	timeoutMin: number;
	/** Starts what takes long and needs no package (n8n installs, services) while it is built. */
	begin(run: ModeRun): {
		title: string;
		/** tailed when anything failed */
		logs: LogTail[];
		/** each scenario as a check line; a set-up failing is a failed check, never a throw */
		run(built: Built): Promise<void>;
		/** printed after everything is stopped */
		report?(failed: number): string;
	};
}
