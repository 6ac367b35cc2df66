/**
 * A peer for the memory figure (scenarios/memory.ts): 10,000 items through our node and
 * through HTTP Request + Switch ("Never Error", default batching), each in a fresh real n8n
 * 2.41.1 server (`n8n start`), against the simulator at the memory scenario's latency.
 * Webhook (POST body: the customers) → Code (one item each) → the workflow → the branches.
 * Both measured alike: a warm-up POST with a few customers, then the n8n process's peak
 * resident set (kernel high-water mark, reset first) while the 10,000 run and n8n saves the
 * execution, above its resident set just before. The Code node's task runner is a process of
 * its own, not counted (the same for both). `n8n execute` cannot serve here: it prints the
 * run data of all 10,000 items and exits before the pipe takes it all.
 */
import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { customers, simulatorUsers } from '../customers';
import { watchPeakRss } from '../peakRss';
import type { RealN8nBench, RealN8nServer } from '../realN8nBaseline';
import { count, s } from '../report';
import { realN8nOf, scenario } from '../scenario';
import { benchGcoreWorkflow, httpRequestWorkflow, type BenchWorkflow } from '../realN8nWorkflows';
import { round } from '../stats';
import { MEMORY_LATENCY_MS } from './memory';
import { OUTPUT_NAMES } from '../../harness/names';
import { nodeOutputs } from '../../harness/n8n/runData';
import { waitUntilListening, webhookUrl } from '../../harness/n8n/webhook';
import { post } from '../../harness/workflows/webhookWorkflow';
import { NODE_TYPE } from '../../harness/ourPackage';

const MB = 1024 * 1024;
const WARM_UP_ITEMS = 10;

/** Progress steps: per workflow, a server start and the measured run. */
const REAL_MEMORY_STEPS = 4;

export interface RealMemoryRow {
	name: string;
	/** The server after start-up and a warm-up run. */
	startRssMb: number;
	peakRssMb: number;
	peakAboveStartMb: number;
	/** The execution as n8n records it (startedAt → stoppedAt). */
	executionMs: number;
	failed: number;
	status: string;
}

export interface RealMemoryResult {
	n8nVersion: string;
	items: number;
	latencyMs: number;
	concurrency: number;
	rows: RealMemoryRow[];
}

async function realMemory(
	context: BenchContext,
	fullItems: number,
	real: RealN8nBench,
): Promise<RealMemoryResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const contenders: Array<{ name: string; id: string; workflow: (path: string) => BenchWorkflow }> =
		[
			{
				name: `Gcore IAM node, concurrency ${settings.concurrency}`,
				id: 'benchMemoryGcore',
				workflow: (path) =>
					benchGcoreWorkflow(
						'benchMemoryGcore',
						NODE_TYPE,
						{ webhook: { path, webhookId: 'b0b0b0b0-0000-4000-8000-000000000201' }, split: true },
						{ concurrency: settings.concurrency },
					),
			},
			{
				name: 'HTTP Request + Switch, "Never Error", default batching',
				id: 'benchMemoryHttp',
				workflow: (path) =>
					httpRequestWorkflow(
						'benchMemoryHttp',
						sim.url,
						{ webhook: { path, webhookId: 'b0b0b0b0-0000-4000-8000-000000000202' }, split: true },
						{ neverError: true },
					),
			},
		];
	const rows: RealMemoryRow[] = [];
	for (const contender of contenders) {
		const path = `bench-memory-${contender.id.toLowerCase()}`;
		const server = await progress.run(
			`memory in real n8n ${real.version}: n8n start with ${contender.name}`,
			() => real.serve([contender.workflow(path)]),
		);
		try {
			const url = webhookUrl({ n8n: server.instance }, path);
			await sim.prepare({ users: simulatorUsers(WARM_UP_ITEMS), latencyMs: MEMORY_LATENCY_MS });
			// The warm-up POST, repeated until the webhook is registered.
			const before = await waitUntilListening(
				{ n8n: server.instance, rest: server.rest },
				contender.id,
				path,
				{ customers: customers(WARM_UP_ITEMS) },
			);
			rows.push(
				await progress.run(
					`memory in real n8n ${real.version}: ${items} items, ${contender.name}`,
					async () => {
						await sim.prepare({ users: simulatorUsers(items), latencyMs: MEMORY_LATENCY_MS });
						await new Promise((resolve) => setTimeout(resolve, 2000)); // let the warm-up's garbage go
						const watch = watchPeakRss(server.pid);
						const run = await runOnce(server, contender.id, url, items, before);
						const peak = watch.stop();
						return {
							name: contender.name,
							startRssMb: round(watch.startBytes / MB, 1),
							peakRssMb: round(peak / MB, 1),
							peakAboveStartMb: round((peak - watch.startBytes) / MB, 1),
							...run,
						};
					},
				),
			);
		} finally {
			await server.stop();
		}
	}
	return {
		n8nVersion: real.version,
		items,
		latencyMs: MEMORY_LATENCY_MS,
		concurrency: settings.concurrency,
		rows,
	};
}

/** One POST with `count` customers after `before` executions; waits for its execution and reads where n8n put them. */
async function runOnce(
	server: RealN8nServer,
	workflowId: string,
	url: string,
	count: number,
	before: number,
): Promise<{ executionMs: number; failed: number; status: string }> {
	const status = await post(url, { customers: customers(count) });
	if (status !== 200) throw new Error(`${url} answered ${status}`);
	const execution = (await server.rest.waitForExecutions(workflowId, before + 1, 10 * 60_000))[
		before
	];
	const { run } = await server.rest.execution(execution.id);
	const routed = OUTPUT_NAMES.reduce((n, node) => n + (nodeOutputs(run, node)[0]?.length ?? 0), 0);
	return {
		executionMs: Date.parse(execution.stoppedAt ?? '') - Date.parse(execution.startedAt ?? ''),
		failed: count - routed,
		status: execution.status,
	};
}

function realMemoryTable(r: RealMemoryResult): string[] {
	return [
		`Memory beside a peer, in the real n8n ${r.n8nVersion} (\`n8n start\`, a fresh server each; Webhook with the customers → Code → the workflow → the branches): ${count(r.items)} items at ${r.latencyMs} ms; peak resident set of the n8n process (kernel high-water mark) while the items run and n8n saves the execution, above the server's after a warm-up run.`,
		'',
		'| Workflow | Peak RSS above the warmed-up server | Peak RSS | Server before | Execution took | Failed |',
		'|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${row.name} | ${row.peakAboveStartMb} MB | ${row.peakRssMb} MB | ${row.startRssMb} MB | ${s(row.executionMs)}${row.status === 'success' ? '' : ` (${row.status})`} | ${row.failed} |`,
		),
	];
}

/** 10,000 items, ours and HTTP Request + Switch, each in a fresh `n8n start`. */
export const realMemoryScenario = scenario<RealMemoryResult>({
	name: 'realMemory',
	reportOrder: 90,
	runs: { all: 9 },
	realN8n: 'needs',
	steps: () => REAL_MEMORY_STEPS,
	run: (context) => realMemory(context, 10_000, realN8nOf(context)),
	table: realMemoryTable,
	figures: (r) => {
		const [ours, peer] = r.rows;
		return ours && peer && peer.peakAboveStartMb > 0
			? [
					{
						name: `Real n8n memory, ${count(r.items)} items: node ÷ HTTP Request + Switch`,
						value: round(ours.peakAboveStartMb / peer.peakAboveStartMb, 3),
						unit: '×',
					},
				]
			: [];
	},
});
