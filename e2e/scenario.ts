/**
 * What a scenario is and what it gets. run.ts runs every scenario on every tested n8n version
 * (unless `runsOn` says otherwise): first the workflows of all scenarios are imported in one go,
 * then the 'cli' scenarios, then `beforeStart` of the 'server' ones (e.g. `publish:workflow`),
 * then `n8n start` and the 'server' scenarios. A scenario is one file in this folder plus one line
 * in index.ts.
 */
import type { N8nCli } from '../../harness/n8n/cli';
import type { N8nInstance } from '../../harness/n8n/instance';
import type { Owner } from '../../harness/n8n/owner';
import type { N8nRest } from '../../harness/n8n/rest';
import type { N8nRun } from '../../harness/n8n/runData';
import type { N8nServer } from '../../harness/n8n/server';
import { SIGSEGV_RETRIES, type CliResult } from '../../harness/n8n/cli';
import { say } from '../../harness/log';
import type { SimulatorProcess } from '../../harness/simulatorProcess';
import type { WorkflowJson } from '../../harness/workflows/workflowJson';

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

interface ScenarioBase {
	/** The check line: what is shown to work. */
	name: string;
	/** Default: every tested version. */
	runsOn?(n8nVersion: string): boolean;
	/** A reason to skip it in this run (reported as skipped), e.g. an environment switch. */
	skipReason?(): string | undefined;
	/** Imported before the first scenario runs. */
	workflows?(): WorkflowJson[];
}

export type Scenario =
	// run(): a short note for the check line; throws (assert) on failure.
	| (ScenarioBase & { phase: 'cli'; run(ctx: CliContext): Promise<string | void> })
	| (ScenarioBase & {
			phase: 'server';
			/** With the CLI, before `n8n start` (e.g. publish a workflow with a trigger). */
			beforeStart?(ctx: CliContext): Promise<void>;
			run(ctx: ServerContext): Promise<string | void>;
	  });

/**
 * Resets the simulator, applies `prepare` (faults), runs the workflow once with `n8n execute`.
 * A run that crashed with SIGSEGV (n8n/cli.ts) is repeated after another reset, up to
 * SIGSEGV_RETRIES times; a wrong result never is.
 */
export async function executeFresh(ctx: CliContext, workflowId: string, prepare: () => Promise<void> = async () => undefined): Promise<{ run: N8nRun | undefined; result: CliResult }> {
	for (let retry = 0; ; retry++) {
		await ctx.sim.reset();
		await prepare();
		const attempt = await ctx.cli.execute(workflowId);
		if (attempt.result.signal !== 'SIGSEGV' || retry === SIGSEGV_RETRIES) return attempt;
		say(`n8n execute crashed with SIGSEGV (${attempt.result.ms} ms): resetting the simulator, retry ${retry + 1} of ${SIGSEGV_RETRIES}`);
	}
}
