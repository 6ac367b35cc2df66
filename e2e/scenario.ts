/** What a scenario is and gets: every `Scenario` exported from scenarios/ runs in its mode, sorted by `order`. */
import * as path from 'node:path';

import { discoverExports } from '../harness/discover';
import type { N8nCli } from '../harness/n8n/cli';
import type { N8nInstance } from '../harness/n8n/instance';
import type { Owner } from '../harness/n8n/owner';
import type { N8nRest } from '../harness/n8n/rest';
import type { N8nServer } from '../harness/n8n/server';
import type { QueueCluster } from '../harness/queue/cluster';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import type { WorkflowJson } from '../harness/workflows/workflowJson';
import { notRun } from './checks';

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
}

/** `name`: the check line; `order`: 90 and up for those that kill or stop n8n processes; run(): a note or a throw. */
interface ScenarioBase {
	name: string;
	order: number;
	runsOn?(n8nVersion: string): boolean;
	skipReason?(): string | undefined;
	workflows?(): WorkflowJson[];
}

export type Scenario =
	| (ScenarioBase & { mode: 'single'; phase: 'cli'; run(ctx: CliContext): Promise<string | void> })
	| (ScenarioBase & {
			mode: 'single';
			phase: 'server';
			/** its workflows (webhook triggers) are published once n8n runs */
			publish?: boolean;
			run(ctx: ServerContext): Promise<string | void>;
	  })
	| (ScenarioBase & {
			mode: 'queue';
			/** the measured table's (--only matches it too) */
			label: string;
			run(ctx: QueueContext): Promise<string>;
	  });

export type SingleScenario = Extract<Scenario, { mode: 'single' }>;
export type QueueScenario = Extract<Scenario, { mode: 'queue' }>;

function isScenario(value: unknown): value is Scenario {
	const s = value as Partial<Record<keyof Scenario, unknown>> | null;
	return typeof s?.name === 'string' && typeof s.order === 'number' && typeof s.run === 'function';
}

export function discoverScenarios(): Scenario[] {
	const found = discoverExports(path.join(__dirname, 'scenarios'), isScenario);
	return found.sort((a, b) => a.order - b.order);
}

export function runnable<S extends Scenario>(all: S[], version: string, label = (n: string) => n) {
	return all.filter((s) => {
		const why = s.skipReason?.();
		if (why && (s.runsOn?.(version) ?? true)) notRun(label(s.name), why, 'skip');
		return (s.runsOn?.(version) ?? true) && !why;
	});
}

/** `n8n execute` after a simulator reset and `prepare`; again after n8n's SIGSEGV at exit (n8n/cli.ts), never after a wrong result. */
export const executeFresh = (ctx: CliContext, workflowId: string, prepare = async () => {}) =>
	ctx.cli.executeAgainAfterCrash(workflowId, async () => {
		await ctx.sim.reset();
		await prepare();
	});
