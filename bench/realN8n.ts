/**
 * The real n8n 2.41.1 (Node 24, the e2e's cache) for the bench, driven as the e2e drives it
 * (harness/n8n): one throw-away instance with our package and both credentials; `n8n execute` of
 * an imported workflow (its run data times the nodes; start-up is reported apart); `n8n start` with
 * published webhook workflows; POSTs at once, read back from n8n's own execution records.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { N8nCli } from '../harness/n8n/cli';
import { ensureRealN8n } from '../harness/n8n/install';
import { N8nInstance } from '../harness/n8n/instance';
import { DEMO_OWNER } from '../harness/n8n/owner';
import { logInAsOwner } from '../harness/n8n/ownerLogin';
import { N8nRest, type ExecutionSummary } from '../harness/n8n/rest';
import { nodeOutputs, type N8nRun } from '../harness/n8n/runData';
import { startServer, type N8nServer } from '../harness/n8n/server';
import { deliver, webhookUrl } from '../harness/n8n/webhook';
import { OUTPUT_NAMES } from '../harness/names';
import { installPackage, packPackage } from '../harness/ourPackage';
import { mkTemp } from '../harness/workFolder';
import { DEFAULT_API_KEY } from '../simulator';
import { GCORE_CREDENTIAL, HEADER_CREDENTIAL, type BenchWorkflow } from './realWorkflows';

/** A Gcore IAM credential as `n8n import:credentials` takes it. */
export const gcoreCredential = (id: string, name: string, apiKey: string, baseUrl: string) => ({
	id,
	name,
	type: 'gcoreIamApi',
	data: { apiKey, baseUrl },
});

/** Customers that reached one of the three outcome nodes of a run. */
const routed = (run: N8nRun) =>
	OUTPUT_NAMES.reduce((n, node) => n + (nodeOutputs(run, node)[0]?.length ?? 0), 0);

/** A running `n8n start`, shaped as harness/n8n/webhook.ts takes it. */
export interface Served {
	n8n: N8nInstance;
	rest: N8nRest;
	server: N8nServer;
}

export class RealN8nBench {
	private rest: N8nRest | undefined;

	private constructor(
		readonly instance: N8nInstance,
		private readonly cli: N8nCli,
		private readonly folder: string,
	) {}

	get version(): string {
		return this.instance.version;
	}

	static async start(simulatorUrl: string): Promise<RealN8nBench> {
		const real = await ensureRealN8n();
		const folder = mkTemp('gcore-bench-n8n-');
		const instance = await N8nInstance.create(real, {
			userFolder: folder,
			logFile: path.join(folder, 'n8n.log'),
			owner: DEMO_OWNER,
		});
		installPackage(folder, packPackage(folder));
		const cli = new N8nCli(instance);
		await cli.importCredentials([
			{
				...HEADER_CREDENTIAL,
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `apikey ${DEFAULT_API_KEY}` },
			},
			gcoreCredential(GCORE_CREDENTIAL.id, GCORE_CREDENTIAL.name, DEFAULT_API_KEY, simulatorUrl),
		]);
		return new RealN8nBench(instance, cli, folder);
	}

	/**
	 * `n8n execute` of the workflow: from the first start of `first` to the end of `last` (run
	 * data), the customers that reached no outcome node, and n8n's start-up around the execution.
	 */
	async execute(workflow: BenchWorkflow, first: string, last: string, items: number) {
		await this.cli.importWorkflows([workflow]);
		const { run, result } = await this.cli.execute(workflow.id);
		if (!run) throw new Error(`n8n execute printed no run data:\n${result.stderr.slice(-3000)}`);
		const runData = run.data.resultData.runData as Record<
			string,
			Array<{ startTime: number; executionTime: number; error?: { message: string } }>
		>;
		const start = runData[first]?.[0];
		// A workflow that failed in `first` has no `last`: its time ends with `first`.
		const end = runData[last]?.at(-1) ?? runData[first]?.at(-1);
		const timed = run as N8nRun & { startedAt?: string; stoppedAt?: string };
		const executionMs = Date.parse(timed.stoppedAt ?? '') - Date.parse(timed.startedAt ?? '');
		return {
			ms: start && end ? end.startTime + end.executionTime - start.startTime : NaN,
			failed: items - routed(run),
			startupMs: result.ms - executionMs,
			error: run.data.resultData.error?.message ?? start?.error?.message,
		};
	}

	/** Imports and publishes the workflows (and credentials), for the next `serve()`. */
	async publish(workflows: BenchWorkflow[], credentials: IDataObject[] = []): Promise<void> {
		if (credentials.length) await this.cli.importCredentials(credentials);
		await this.cli.importWorkflows(workflows);
		for (const workflow of workflows) await this.cli.publishWorkflow(workflow.id);
	}

	/** `n8n start` until ready, logged in as the owner; `work` runs with it, then it stops. */
	async serve<T>(work: (served: Served) => Promise<T>): Promise<T> {
		const server = await startServer(this.instance);
		try {
			// One client for every server of the instance: its public API key stays in the database.
			const rest = (this.rest ??= new N8nRest(this.instance));
			await logInAsOwner(this.instance.real, rest, DEMO_OWNER);
			return await work({ n8n: this.instance, rest, server });
		} finally {
			await server.stop();
		}
	}

	dispose(): void {
		rmSync(this.folder, { recursive: true, force: true });
	}
}

/**
 * Every body POSTed at once to the workflow's production URL (a 503 redelivered, as a CRM does);
 * waits until n8n has finished an execution per accepted POST after the `before` it had. Wall
 * time: first POST to the last execution's stop. Failed: executions not `success` or whose
 * customers did not all reach an outcome node; refused: POSTs n8n answered other than 200.
 */
export async function postAll(
	served: Served,
	id: string,
	hookPath: string,
	bodies: Array<{ customers?: IDataObject[] } | IDataObject>,
	before: number,
) {
	const url = webhookUrl(served, hookPath);
	const t0 = Date.now();
	const answers = await Promise.all(
		bodies.map((body) => deliver(url, body).catch(() => ({ status: 0, redelivered: 0 }))),
	);
	const refused = answers.filter((answer) => answer.status !== 200).length;
	const executions = (
		await served.rest.waitForExecutions(id, before + bodies.length - refused, 15 * 60_000)
	).slice(before);
	const wallMs = Math.max(...executions.map((e) => Date.parse(e.stoppedAt ?? ''))) - t0;
	let failed = 0;
	let error: string | undefined;
	const read = async (e: ExecutionSummary) => {
		const { run } = await served.rest.execution(e.id);
		const wanted = (bodies[0] as { customers?: unknown[] }).customers?.length ?? 1;
		if (e.status === 'success' && routed(run) === wanted) return;
		failed += Math.max(1, wanted - routed(run));
		error ??= run.data.resultData.error?.message ?? `${e.status}, customer on no branch`;
	};
	for (let i = 0; i < executions.length; i += 6)
		await Promise.all(executions.slice(i, i + 6).map(read));
	return { wallMs, refused, failed, error };
}
