/**
 * The real n8n 2.41.1 (Node 24) from the e2e cache, for the benchmark. Scenario 3 and the real
 * throughput rows: `n8n execute` of imported workflows; the execution's own start/stop times
 * (from the run data it prints) are the wall time compared, n8n's start-up around it is
 * reported separately. The burst and memory rows: `n8n start` with webhook workflows published
 * (serve()).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { N8nCli } from '../harness/n8n/cli';
import { N8nInstance } from '../harness/n8n/instance';
import { DEMO_OWNER } from '../harness/n8n/owner';
import { logInAsOwner } from '../harness/n8n/ownerLogin';
import { N8nRest } from '../harness/n8n/rest';
import { GCORE_NODE_NAME } from '../harness/names';
import { nodeOutputs, type N8nRun } from '../harness/n8n/runData';
import { startServer } from '../harness/n8n/server';
import { ensureRealN8n, type RealN8n } from '../harness/n8n/install';
import { installPackage, NODE_TYPE, packPackage } from '../harness/ourPackage';
import { mkTemp } from '../harness/workFolder';
import { DEFAULT_API_KEY } from '../simulator';
import {
	GCORE_CREDENTIAL,
	benchGcoreWorkflow,
	HEADER_CREDENTIAL,
	HTTP_NODE,
	httpRequestWorkflow,
	SWITCH_NODE,
	type BenchWorkflow,
	type HttpRequestVariant,
} from './realN8nWorkflows';

export interface RealN8nRun {
	/** From the start of the node that sends to the end of the node that routes (run data). */
	nodesMs: number;
	/** The execution's stoppedAt − startedAt, as n8n records it (includes the Code node's task runner start). */
	executionMs: number;
	/** The `n8n execute` process from spawn to exit. */
	cliMs: number;
	/** What n8n spends around the execution: start-up, import of modules, shutdown. */
	startupMs: number;
	/** Per output of the routing node: Success, Already Activated, Not Found, Failed. */
	routed: number[];
	workflowError?: string;
	n8nVersion: string;
}

/** A running `n8n start` of the bench's instance, logged in as its owner. */
export interface RealN8nServer {
	instance: N8nInstance;
	rest: N8nRest;
	/** The `n8n start` process (its task runner is a child process of its own). */
	pid: number;
	stop(): Promise<void>;
}

export class RealN8nBench {
	private rest: N8nRest | undefined;

	private constructor(
		private readonly real: RealN8n,
		private readonly instance: N8nInstance,
		private readonly n8n: N8nCli,
		readonly version: string,
		private readonly folder: string,
	) {}

	/**
	 * Fills/uses the cache, makes a throw-away user folder with both credentials and, when
	 * `withOurPackage`, our package packed from the current build (dist/ must be built).
	 */
	static async start(simulatorUrl: string, withOurPackage: boolean): Promise<RealN8nBench> {
		const real = await ensureRealN8n();
		const folder = mkTemp('gcore-bench-n8n-');
		const instance = await N8nInstance.create(real, {
			userFolder: folder,
			logFile: path.join(folder, 'n8n.log'),
			owner: DEMO_OWNER,
		});
		const n8n = new N8nCli(instance);
		if (withOurPackage) installPackage(folder, packPackage(folder));
		const credentials: IDataObject[] = [
			{
				...HEADER_CREDENTIAL,
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `apikey ${DEFAULT_API_KEY}` },
			},
		];
		if (withOurPackage) {
			credentials.push({
				...GCORE_CREDENTIAL,
				type: 'gcoreIamApi',
				data: { apiKey: DEFAULT_API_KEY, baseUrl: simulatorUrl },
			});
		}
		await n8n.importCredentials(credentials);
		return new RealN8nBench(real, instance, n8n, real.n8nVersion, folder);
	}

	/** More credentials (e.g. one gcoreIamApi account per burst row), for the workflows imported after. */
	async importCredentials(credentials: IDataObject[]): Promise<void> {
		await this.n8n.importCredentials(credentials);
	}

	/**
	 * Imports and publishes (activates) these webhook workflows, then `n8n start` until ready and
	 * a REST login as the owner. No `n8n execute` while it runs: both would use one database.
	 */
	async serve(workflows: BenchWorkflow[]): Promise<RealN8nServer> {
		await this.n8n.importWorkflows(workflows);
		for (const workflow of workflows) await this.n8n.publishWorkflow(workflow.id);
		const server = await startServer(this.instance);
		// One client for every server of this instance: its public API key stays in the database.
		const rest = (this.rest ??= new N8nRest(this.instance));
		try {
			await logInAsOwner(this.real, rest, DEMO_OWNER);
		} catch (error) {
			await server.stop();
			throw error;
		}
		return { instance: this.instance, rest, pid: server.child.pid ?? 0, stop: () => server.stop() };
	}

	async runHttpRequest(
		id: string,
		url: string,
		items: IDataObject[],
		variant: HttpRequestVariant,
	): Promise<RealN8nRun> {
		await this.n8n.importWorkflows([httpRequestWorkflow(id, url, { items }, variant)]);
		return await this.execute(id, SWITCH_NODE, HTTP_NODE);
	}

	async runGcore(id: string, items: IDataObject[], options: IDataObject): Promise<RealN8nRun> {
		await this.n8n.importWorkflows([benchGcoreWorkflow(id, NODE_TYPE, { items }, options)]);
		return await this.execute(id, GCORE_NODE_NAME, GCORE_NODE_NAME);
	}

	/** Removes the throw-away user folder (database, installed package, logs). */
	dispose(): void {
		rmSync(this.folder, { recursive: true, force: true });
	}

	private async execute(id: string, router: string, worker: string): Promise<RealN8nRun> {
		const { run, result } = await this.n8n.execute(id);
		if (!run) {
			throw new Error(
				`n8n execute --id=${id} printed no run data (${result.signal ?? `exit ${result.code}`}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
			);
		}
		const timed = run as N8nRun & { startedAt?: string; stoppedAt?: string };
		const executionMs = Date.parse(timed.stoppedAt ?? '') - Date.parse(timed.startedAt ?? '');
		const runData = run.data.resultData.runData as Record<
			string,
			Array<{ startTime: number; executionTime: number }>
		>;
		const first = runData[worker]?.[0];
		const last = runData[router]?.at(-1) ?? runData[worker]?.at(-1);
		const nodesMs = first && last ? last.startTime + last.executionTime - first.startTime : NaN;
		const routed = [0, 1, 2, 3].map((output) => nodeOutputs(run, router)[output]?.length ?? 0);
		const error = run.data.resultData.error?.message;
		const workerError = run.data.resultData.runData[worker]?.at(-1)?.error?.message;
		return {
			nodesMs,
			executionMs,
			cliMs: result.ms,
			startupMs: result.ms - executionMs,
			routed,
			workflowError: error ?? workerError,
			n8nVersion: this.version,
		};
	}
}
