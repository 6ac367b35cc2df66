/**
 * What a scenario is and gets. Every export of a file in scenarios/ that is a `Scenario` runs in
 * its mode (no list to edit), sorted by `order`. Single mode: on every tested n8n version unless
 * `runsOn` says otherwise; all workflows imported first, then the 'cli' scenarios, `n8n start`,
 * the `publish` ones published over REST, the 'server' scenarios. Queue mode: main + 2 workers;
 * every workflow imported before main starts and published once it runs.
 */
import * as path from 'node:path';

import { discoverExports } from '../harness/discover';
import { say } from '../harness/log';
import { SIGSEGV_RETRIES, type N8nCli } from '../harness/n8n/cli';
import type { N8nInstance } from '../harness/n8n/instance';
import type { Owner } from '../harness/n8n/owner';
import type { N8nRest } from '../harness/n8n/rest';
import type { N8nServer } from '../harness/n8n/server';
import type { QueueCluster } from '../harness/queue/cluster';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import type { WorkflowJson } from '../harness/workflows/workflowJson';
import { notRun } from './checks';

export type Mode = 'single' | 'queue';

/** `apiKey`: the simulator's, in the imported credential; `rest`: logged in as `owner`. */
export interface CliContext {
	n8n: N8nInstance;
	cli: N8nCli;
	sim: SimulatorProcess;
	apiKey: string;
	owner: Owner;
	workFolder: string;
}

export interface ServerContext extends CliContext {
	server: N8nServer;
	rest: N8nRest;
}

export interface QueueContext {
	cluster: QueueCluster;
	sim: SimulatorProcess;
	work: string;
}

interface ScenarioBase {
	/** The check line: what is shown to work. */
	name: string;
	/** Lower first; 90 and up for those that kill or stop n8n processes. */
	order: number;
	runsOn?(n8nVersion: string): boolean;
	/** A reason to skip it in this run (reported as skipped). */
	skipReason?(): string | undefined;
	workflows?(): WorkflowJson[];
}

/** run(): a note for the check line; throws (assert) on failure. */
export type Scenario =
	| (ScenarioBase & { mode: 'single'; phase: 'cli'; run(ctx: CliContext): Promise<string | void> })
	| (ScenarioBase & {
			mode: 'single';
			phase: 'server';
			/** Its workflows (webhook triggers) are published once n8n runs. */
			publish?: boolean;
			run(ctx: ServerContext): Promise<string | void>;
	  })
	| (ScenarioBase & {
			mode: 'queue';
			/** For the measured table (--only matches it too). */
			label: string;
			run(ctx: QueueContext): Promise<string>;
	  });

export type SingleScenario = Extract<Scenario, { mode: 'single' }>;
export type QueueScenario = Extract<Scenario, { mode: 'queue' }>;

function isScenario(value: unknown): value is Scenario {
	const s = value as Partial<Record<keyof Scenario, unknown>> | null;
	return typeof s?.name === 'string' && typeof s.order === 'number' && typeof s.run === 'function';
}

/** Array.prototype.sort is stable: equal orders keep file and export order. */
export function discoverScenarios(): Scenario[] {
	const found = discoverExports(path.join(__dirname, 'scenarios'), isScenario);
	return found.sort((a, b) => a.order - b.order);
}

/** The scenarios that run on this n8n version; those this run skips get their skip line. */
export function runnable<S extends Scenario>(all: S[], version: string, label = (n: string) => n) {
	return all.filter((s) => {
		const why = s.skipReason?.();
		if (why && (s.runsOn?.(version) ?? true)) notRun(label(s.name), why, 'skip');
		return (s.runsOn?.(version) ?? true) && !why;
	});
}

/**
 * Resets the simulator, applies `prepare` (faults), runs the workflow once with `n8n execute`. A
 * run that crashed with SIGSEGV (n8n/cli.ts) is repeated after another reset; a wrong result never is.
 */
export async function executeFresh(
	ctx: CliContext,
	workflowId: string,
	prepare: () => Promise<void> = async () => undefined,
) {
	for (let retry = 0; ; retry++) {
		await ctx.sim.reset();
		await prepare();
		const attempt = await ctx.cli.execute(workflowId);
		if (attempt.result.signal !== 'SIGSEGV' || retry === SIGSEGV_RETRIES) return attempt;
		say(`n8n execute crashed with SIGSEGV: resetting the simulator, retry ${retry + 1}`);
	}
}
