/** What run.ts asks of a mode (single.ts, queue.ts): its defaults, and one session per run. */
import type { SimulatorProcess } from '../../harness/simulatorProcess';
import type { Scenario } from '../scenario';

export interface ModeRun {
	/** this run's work folder (kept on failure) */
	work: string;
	/** the n8n versions asked for (--n8n, GCORE_E2E_N8N_VERSIONS, or the mode's default) */
	versions: string[];
	/** this mode's scenarios, filtered by --only, in order */
	scenarios: Scenario[];
	/** no --only: every scenario of the mode runs */
	complete: boolean;
}

/** What every mode needs first; undefined when that set-up failed (its check line says why). */
export interface Built {
	/** our package, packed */
	tgz: string;
	sim: SimulatorProcess;
}

export interface LogTail {
	title: string;
	file: string;
	lines: number;
}

export interface ModeSession {
	/** Runs the scenarios, each as a check line; its set-up failing is a failed check, never a throw. */
	run(built: Built | undefined): Promise<void>;
	/** Printed after everything is stopped (queue mode: the measured table); `failed`: checks that failed. */
	report?(failed: number): string;
	/** Tailed when anything failed. */
	logs(): LogTail[];
	/** The closing line's subject, e.g. "e2e in the real n8n (2.41.1, 1.123.81)". */
	title: string;
}

export interface ModeDefinition {
	/** the n8n versions it tests by default */
	defaultVersions: string[];
	/** the whole run is stopped after this (GCORE_E2E_TIMEOUT_MIN overrides) */
	timeoutMin: number;
	/** name in the watchdog's and crash's FAIL lines */
	command: string;
	/** work folder prefix */
	workPrefix: string;
	/** Starts what takes long and needs no package (n8n installs, services), so that it goes on while the package is built. */
	begin(run: ModeRun): ModeSession;
}
