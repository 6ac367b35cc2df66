// The real n8n 2.41.1 for the bench, driven as the e2e drives it (harness/n8n): one throw-away
// instance with our package and both credentials; `n8n execute` of a workflow (its run data times the
// nodes), or `n8n start` with published webhook workflows, read back from n8n's execution records.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { describeCliResult, N8nCli } from '../harness/n8n/cli';
import { ensureRealN8n } from '../harness/n8n/install';
import { N8nInstance } from '../harness/n8n/instance';
import { DEMO_OWNER } from '../harness/n8n/owner';
import { logInAsOwner } from '../harness/n8n/ownerLogin';
import { N8nRest, type ExecutionSummary } from '../harness/n8n/rest';
import { nodeOutputs, type N8nRun } from '../harness/n8n/runData';
import { startServer, type N8nServer } from '../harness/n8n/server';
import { deliver, webhookUrl } from '../harness/n8n/webhook';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../harness/names';
import { installPackage, packPackage, REPO } from '../harness/ourPackage';
import { onCleanup } from '../harness/processes';
import { mkTemp } from '../harness/workFolder';
import { credentialJson } from '../harness/workflows/workflowJson';
import { DEFAULT_API_KEY } from '../simulator';
import { prepareApi, repeat, sampleOf, type Api, type Row } from './measure';
import * as workflows from './realWorkflows';
import type { Context } from './scenario';

const routed = (run: N8nRun) =>
	OUTPUT_NAMES.reduce((n, node) => n + (nodeOutputs(run, node)[0]?.length ?? 0), 0);

export type Served = { n8n: N8nInstance; rest: N8nRest; server: N8nServer };

export class RealN8nBench {
	private constructor(
		private readonly instance: N8nInstance,
		private readonly cli = new N8nCli(instance),
		// One client for every server of the instance: its public API key stays in the database.
		private readonly rest = new N8nRest(instance),
		readonly version = instance.version,
	) {}

	static async start(simulatorUrl: string): Promise<RealN8nBench> {
		const folder = mkTemp('gcore-bench-n8n-');
		onCleanup('bench n8n folder', () => rmSync(folder, { recursive: true, force: true }));
		const logFile = path.join(folder, 'n8n.log');
		const options = { userFolder: folder, logFile, owner: DEMO_OWNER };
		const instance = await N8nInstance.create(await ensureRealN8n(), options);
		installPackage(folder, packPackage(folder));
		const real = new RealN8nBench(instance);
		const { id, name } = workflows.GCORE_CREDENTIAL;
		const header = { name: 'Authorization', value: `apikey ${DEFAULT_API_KEY}` };
		const headerAuth = { ...workflows.HEADER_CREDENTIAL, type: 'httpHeaderAuth', data: header };
		const gcore = credentialJson(id, name, DEFAULT_API_KEY, simulatorUrl);
		await real.cli.importCredentials([headerAuth, gcore]);
		return real;
	}

	/**
	 * `n8n execute` of `workflowFor(0)`: from the sending node's start to the routing node's end;
	 * failed: customers on no outcome node. After n8n's crash at exit, the API is prepared again and
	 * `workflowFor(retry)` runs (a fresh workflow: our node's record starts empty).
	 */
	async execute(
		items: number,
		workflowFor: (retry: number) => workflows.BenchWorkflow,
		again: () => Promise<void>,
	) {
		let workflow = workflowFor(0);
		const ours = workflow.nodes.some((node) => node.name === GCORE_NODE_NAME);
		const first = ours ? GCORE_NODE_NAME : workflows.HTTP_NODE;
		const last = ours ? GCORE_NODE_NAME : workflows.SWITCH_NODE;
		const { run, result } = await this.cli.executeAgainAfterCrash(workflow.id, async (retry) => {
			if (retry) {
				await again();
				workflow = workflowFor(retry);
			}
			return workflow;
		});
		if (!run || result.signal) {
			// Kept for a look: once, the output of a run that ended with exit 0 did not parse.
			const kept = path.join(REPO, 'bench', 'results', `${workflow.id}.stdout.txt`);
			writeFileSync(kept, result.stdout);
			const ended = describeCliResult(`execute ${workflow.id}`, result);
			throw new Error(`no run data (stdout: ${kept}): ${ended}`);
		}
		const { runData, error } = run.data.resultData;
		const start = runData[first]?.[0];
		// A workflow that failed in `first` has no `last`: its time ends with `first`.
		const end = runData[last]?.at(-1) ?? runData[first]?.at(-1);
		const ms = start && end ? end.startTime! + end.executionTime! - start.startTime! : NaN;
		return { ms, failed: items - routed(run), error: error?.message ?? start?.error?.message };
	}

	/** Rows of `n8n execute`, a workflow per run: our node's record ("Skip If Invited Within") starts empty. */
	async executeRows(
		{ sim, settings }: Pick<Context, 'sim' | 'settings'>,
		api: Api,
		input: IDataObject[],
		idPrefix: string,
		contenders: Array<[string, workflows.Contender]>,
	): Promise<Row[]> {
		const rows = [];
		for (const [i, [name, how]] of contenders.entries())
			rows.push(
				await repeat(name, settings.reps, (rep) => {
					const workflowFor = (retry: number) =>
						workflows.benchWorkflow(`${idPrefix}${i}x${rep}r${retry}`, sim.url, input, how);
					const again = () => prepareApi(sim, api, input.length);
					return sampleOf(sim, api, input.length, () =>
						this.execute(input.length, workflowFor, again),
					);
				}),
			);
		return rows;
	}

	async publish(published: workflows.BenchWorkflow[], credentials: unknown[] = []): Promise<void> {
		if (credentials.length) await this.cli.importCredentials(credentials);
		await this.cli.importWorkflows(published);
		for (const { id } of published) await this.cli.publishWorkflow(id);
	}

	async serve<T>(work: (served: Served) => Promise<T>): Promise<T> {
		const server = await startServer(this.instance);
		try {
			await logInAsOwner(this.instance.real, this.rest, DEMO_OWNER);
			return await work({ n8n: this.instance, rest: this.rest, server });
		} finally {
			await server.stop();
		}
	}
}

// Every body POSTed at once (a 503 redelivered, as a CRM does), then n8n's executions after the
// `before` it had: time to the last one's stop; failed: POSTs refused and customers on no branch.
export async function postAll(served: Served, id: string, bodies: IDataObject[], before: number) {
	const url = webhookUrl(served, workflows.hookPath(id));
	const t0 = Date.now();
	const answers = await Promise.all(
		bodies.map((body) => deliver(url, body).catch(() => ({ status: 0, redelivered: 0 }))),
	);
	const refused = answers.filter((answer) => answer.status !== 200).length;
	const accepted = before + bodies.length - refused;
	const executions = (await served.rest.waitForExecutions(id, accepted, 15 * 60_000)).slice(before);
	const ms = Math.max(...executions.map((e) => Date.parse(e.stoppedAt ?? ''))) - t0;
	const wanted = (bodies[0] as { customers?: unknown[] }).customers?.length ?? 1;
	let failed = refused;
	let error: string | undefined;
	const read = async (e: ExecutionSummary) => {
		const { run } = await served.rest.execution(e.id);
		if (e.status === 'success' && routed(run) === wanted) return;
		failed += Math.max(1, wanted - routed(run));
		error ??= run.data.resultData.error?.message ?? `${e.status}, customer on no branch`;
	};
	for (let i = 0; i < executions.length; i += 6)
		await Promise.all(executions.slice(i, i + 6).map(read));
	return { ms, failed, error };
}
