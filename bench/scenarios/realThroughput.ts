/**
 * Scenario 1 once more in the real n8n 2.41.1 (Node 24), for reference: our node and the
 * HTTP Request (defaults, "Never Error", full response) + Switch on the same 2,000 items at
 * 20 ms. The in-process engine harness runs n8n-core on Node 20 with the legacy expression
 * engine and credentials from memory; real n8n 2.41 evaluates expressions in isolated-vm and
 * reads credentials from its database, so its per-item cost is higher.
 */
import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { customers, simulatorUsers } from '../customers';
import type { RealN8nBench } from '../realN8nBaseline';
import { count, pct, s } from '../report';
import { realN8nOf, scenario } from '../scenario';
import { round } from '../stats';

const LATENCY_MS = 20;

export interface RealThroughputRow {
	name: string;
	nodesMs: number;
	itemsPerSecond: number;
	ofLimit: number;
	failed: number;
	startupMs: number;
	workflowError?: string;
}

export interface RealThroughputResult {
	n8nVersion: string;
	items: number;
	latencyMs: number;
	concurrency: number;
	limitMs: number;
	rows: RealThroughputRow[];
}

async function realThroughput(
	context: BenchContext,
	fullItems: number,
	real: RealN8nBench,
): Promise<RealThroughputResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const input = customers(items);
	const users = simulatorUsers(items);
	const limitMs = (items * LATENCY_MS) / settings.concurrency;
	const rows: RealThroughputRow[] = [];
	const runs = [
		{
			name: `Gcore IAM node, concurrency ${settings.concurrency}`,
			run: () =>
				real.runGcore('benchGcoreThroughput', input, { concurrency: settings.concurrency }),
		},
		{
			name: 'HTTP Request + Switch, "Never Error", default batching',
			run: () => real.runHttpRequest('benchHttpThroughput', sim.url, input, { neverError: true }),
		},
	];
	for (const { name, run } of runs) {
		await progress.run(
			`${items} items at ${LATENCY_MS} ms in real n8n ${real.version}: ${name}`,
			async () => {
				await sim.prepare({ users, latencyMs: LATENCY_MS });
				const result = await run();
				const itemsPerSecond = (1000 * items) / result.nodesMs;
				rows.push({
					name,
					nodesMs: result.nodesMs,
					itemsPerSecond: round(itemsPerSecond, 1),
					ofLimit: round(itemsPerSecond / ((1000 * settings.concurrency) / LATENCY_MS), 3),
					failed: items - result.routed[0] - result.routed[1] - result.routed[2],
					startupMs: result.startupMs,
					workflowError: result.workflowError,
				});
			},
		);
	}
	return {
		n8nVersion: real.version,
		items,
		latencyMs: LATENCY_MS,
		concurrency: settings.concurrency,
		limitMs,
		rows,
	};
}

function realThroughputTable(r: RealThroughputResult): string[] {
	return [
		`In the real n8n ${r.n8nVersion} (Node 24, \`n8n execute\`): ${count(r.items)} items at ${r.latencyMs} ms, limit ${s(r.limitMs)}.`,
		'',
		'| Workflow | Wall time (nodes) | Items/s | Of limit | Failed | n8n start-up (not in wall) |',
		'|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${row.name} | ${s(row.nodesMs)}${row.workflowError ? ' (workflow failed)' : ''} | ${Math.round(row.itemsPerSecond)} | ${pct(row.ofLimit)} | ${row.failed} | ${s(row.startupMs)} |`,
		),
	];
}

/** 2,000 items at 20 ms, ours and HTTP Request + Switch, by `n8n execute`; in the results as realN8nThroughput. */
export const realThroughputScenario = scenario<RealThroughputResult>({
	name: 'realThroughput',
	reportOrder: 100,
	runs: { all: 8 },
	field: 'realN8nThroughput',
	realN8n: 'needs',
	steps: () => 2,
	run: (context) => realThroughput(context, 2000, realN8nOf(context)),
	table: realThroughputTable,
});
