/**
 * What a scenario is and what it gets. A scenario is one file in scenarios/ that exports one or
 * more `Scenario` values; run.ts finds them there (no list to edit) and runs those of the mode asked
 * for, sorted by `order`.
 *
 * mode 'single' (npm run test:e2e, modes/single.ts): on every tested n8n version unless `runsOn`
 * says otherwise; first the workflows of all its scenarios are imported in one go, then the 'cli'
 * scenarios, then `n8n start`, the workflows of the 'server' ones that `publish` published over REST,
 * and the 'server' scenarios.
 * mode 'queue' (npm run test:queue, modes/queue.ts): n8n in queue mode (own Redis and PostgreSQL,
 * main + 2 workers); its workflows are imported with the mode's shared ones before main starts and
 * published once it runs; what it measures goes into the table printed at the end (measured.ts).
 */
import type { N8nCli } from '../harness/n8n/cli';
import type { N8nInstance } from '../harness/n8n/instance';
import type { Owner } from '../harness/n8n/owner';
import type { ExecutionSummary, N8nRest } from '../harness/n8n/rest';
import type { N8nRun } from '../harness/n8n/runData';
import type { N8nServer } from '../harness/n8n/server';
import { SIGSEGV_RETRIES, type CliResult } from '../harness/n8n/cli';
import { say } from '../harness/log';
import { notRun } from './checks';
import type { QueueCluster } from '../harness/queue/cluster';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import type { WorkflowJson } from '../harness/workflows/workflowJson';

export type Mode = 'single' | 'queue';

export interface CliContext {
	n8n: N8nInstance;
	cli: N8nCli;
	sim: SimulatorProcess;
	/** the simulator's API key, stored in the imported credential */
	apiKey: string;
	owner: Owner;
	/** this run's work folder (kept on failure) */
	workFolder: string;
}

export interface ServerContext extends CliContext {
	server: N8nServer;
	/** logged in as the owner */
	rest: N8nRest;
}

/** What a queue-mode scenario gets: the running cluster, the simulator, the work folder. */
export interface QueueContext {
	cluster: QueueCluster;
	sim: SimulatorProcess;
	work: string;
}

interface ScenarioBase {
	/** The check line: what is shown to work. */
	name: string;
	/**
	 * Where it runs among its mode's scenarios, lower first (ties: by file name, then export order).
	 * The numbers keep the order the suites always had; scenarios that kill or stop n8n processes
	 * run last (90 and up: single mode's kill -9 of `n8n start`, queue mode's worker SIGKILL, which
	 * leaves one worker).
	 */
	order: number;
	/** Default: every n8n version the run tests. */
	runsOn?(n8nVersion: string): boolean;
	/** A reason to skip it in this run (reported as skipped), e.g. an environment switch. */
	skipReason?(): string | undefined;
	/** Imported before the first scenario runs. */
	workflows?(): WorkflowJson[];
}

export type Scenario =
	// run(): a short note for the check line; throws (assert) on failure.
	| (ScenarioBase & { mode: 'single'; phase: 'cli'; run(ctx: CliContext): Promise<string | void> })
	| (ScenarioBase & {
			mode: 'single';
			phase: 'server';
			/** Its workflows (webhook triggers) are published over REST once n8n runs. */
			publish?: boolean;
			run(ctx: ServerContext): Promise<string | void>;
	  })
	| (ScenarioBase & {
			mode: 'queue';
			/** Short label for the measured table (--only matches it too). */
			label: string;
			run(ctx: QueueContext): Promise<string>;
	  });

export type SingleScenario = Extract<Scenario, { mode: 'single' }>;
export type QueueScenario = Extract<Scenario, { mode: 'queue' }>;

/**
 * What a webhook proof (sameEventTwice.ts, retryExecution.ts) gets from the mode running it: in one
 * n8n process the executions come from REST, in queue mode from PostgreSQL.
 */
export interface ProofSetup {
	sim: SimulatorProcess;
	rest: N8nRest;
	/** The workflow's production webhook URL. */
	url: string;
	/** How many executions the workflow had before. */
	before: number;
	/** Waits until at least `count` executions of the workflow are final; returns all of them, oldest first. */
	waitForExecutions(count: number, timeoutMs: number): Promise<ExecutionSummary[]>;
}

/** The scenarios that run on this n8n version; those this run skips get their skip line. */
export function runnable<S extends Scenario>(
	all: S[],
	version: string,
	label = (n: string) => n,
): S[] {
	return all.filter((s) => {
		if (!(s.runsOn?.(version) ?? true)) return false;
		const why = s.skipReason?.();
		if (why) notRun(label(s.name), why, 'skip');
		return !why;
	});
}

/**
 * Resets the simulator, applies `prepare` (faults), runs the workflow once with `n8n execute`.
 * A run that crashed with SIGSEGV (n8n/cli.ts) is repeated after another reset, up to
 * SIGSEGV_RETRIES times; a wrong result never is.
 */
export async function executeFresh(
	ctx: CliContext,
	workflowId: string,
	prepare: () => Promise<void> = async () => undefined,
): Promise<{ run: N8nRun | undefined; result: CliResult }> {
	for (let retry = 0; ; retry++) {
		await ctx.sim.reset();
		await prepare();
		const attempt = await ctx.cli.execute(workflowId);
		if (attempt.result.signal !== 'SIGSEGV' || retry === SIGSEGV_RETRIES) return attempt;
		say(
			`n8n execute crashed with SIGSEGV (${attempt.result.ms} ms): resetting the simulator, retry ${retry + 1} of ${SIGSEGV_RETRIES}`,
		);
	}
}
