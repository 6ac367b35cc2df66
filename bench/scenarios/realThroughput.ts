/**
 * The 2,000 items at 20 ms of the throughput goal once more in the real n8n 2.41.1 (`n8n execute`):
 * our node and HTTP Request ("Never Error", full response) + Switch. The engine harness runs
 * n8n-core with credentials from memory; the real n8n reads them from its database and runs
 * expressions in an isolate, so its per-item cost is higher.
 */
import { customers } from '../customers';
import { count, pct, prepareApi, repeat, ROW_COLUMNS, s, table, tally } from '../measure';
import { HTTP_NODE, SWITCH_NODE, gcoreWorkflow, httpWorkflow } from '../realWorkflows';
import { itemsFor, scenario } from '../scenario';
import { GCORE_NODE_NAME } from '../../harness/names';

const API = { latencyMs: 20 };

export const realThroughputScenario = scenario({
	name: 'realN8nThroughput',
	order: 70,
	groups: [],
	realN8n: 'needed',
	async run({ sim, settings, real }) {
		const n8n = real!;
		const items = itemsFor(settings, 2000);
		const input = customers(items);
		const limitMs = (items * API.latencyMs) / settings.concurrency;
		const contenders = [
			{
				name: `Gcore IAM node, Concurrency ${settings.concurrency}`,
				// A workflow per run: each starts with an empty record ("Skip If Invited Within").
				workflow: (rep: number) =>
					gcoreWorkflow(
						`benchGcoreThroughput${rep}`,
						{ items: input },
						{ concurrency: settings.concurrency },
					),
				first: GCORE_NODE_NAME,
				last: GCORE_NODE_NAME,
			},
			{
				name: 'HTTP Request + Switch, "Never Error", default batching',
				workflow: () =>
					httpWorkflow('benchHttpThroughput', sim.url, { items: input }, { neverError: true }),
				first: HTTP_NODE,
				last: SWITCH_NODE,
			},
		];
		const rows = [];
		for (const { name, workflow, first, last } of contenders)
			rows.push(
				await repeat(name, settings.reps, async (rep) => {
					await prepareApi(sim, API, items);
					const run = await n8n.execute(workflow(rep), first, last, items);
					return { ...run, ...(await tally(sim, items)) };
				}),
			);
		return {
			result: { n8nVersion: n8n.version, items, ...API, limitMs, rows },
			table: [
				`In the real n8n ${n8n.version} (\`n8n execute\`): ${count(items)} items at ${API.latencyMs} ms, ${settings.concurrency} in flight allow ${s(limitMs)}; wall time from the sending node's start to the routing node's end.`,
				'',
				...table(rows, [...ROW_COLUMNS, ['Of the limit', (row) => pct(limitMs / row.ms)]]),
			],
			goals: [],
		};
	},
});
