/** What run.ts asks of a mode (single.ts, queue.ts), and the steps both modes take. */
import { DEFAULT_API_KEY } from '../../simulator';
import type { RealN8n } from '../../harness/n8n/install';
import type { SimulatorProcess } from '../../harness/simulatorProcess';
import * as wfj from '../../harness/workflows/workflowJson';
import { check, notRun } from '../checks';
import type { Scenario } from '../scenario';

export interface ModeRun {
	work: string;
	versions: string[];
	/** filtered by --only, in order; `complete`: no --only */
	scenarios: Scenario[];
	complete: boolean;
	/** --fresh (serve mode): start from an empty user folder */
	fresh: boolean;
}

/** Our package, packed, and the simulator; undefined when that set-up failed. */
export type Built = { tgz: string; sim: SimulatorProcess } | undefined;

export type LogTail = { title: string; file: string; lines: number };

export interface ModeDefinition {
	defaultVersions: string[];
	/** GCORE_E2E_TIMEOUT_MIN overrides it */
	timeoutMin: number;
	/** Starts what needs no package (n8n installs, services) while it is built. */
	begin(run: ModeRun): {
		title: string;
		/** tailed when anything failed */
		logs: LogTail[];
		/** a set-up failing is a failed check, never a throw */
		run(built: Built): Promise<void>;
		report?(failed: number): string;
	};
}

export function simCredential(simUrl: string): unknown {
	return wfj.credentialJson(wfj.CREDENTIAL_ID, wfj.CREDENTIAL_NAME, DEFAULT_API_KEY, simUrl);
}

export function workflowsOf(scenarios: Scenario[]): wfj.WorkflowJson[] {
	return scenarios.flatMap((s) => s.workflows?.() ?? []);
}

export async function checkInstall(label: string, install: Promise<RealN8n>) {
	let real: RealN8n | undefined;
	await check(label, async () => {
		real = await install;
		return `n8n ${real.n8nVersion} on Node ${real.nodeVersion}, ${real.n8nDir}`;
	});
	return real;
}

export async function checkAll<C>(
	scenarios: Array<{ name: string; run(ctx: C): Promise<string | void> }>,
	ctx: C | undefined,
	why: string,
	label = (name: string) => name,
): Promise<void> {
	for (const s of scenarios)
		if (ctx === undefined) notRun(label(s.name), why);
		else await check(label(s.name), () => s.run(ctx));
}
