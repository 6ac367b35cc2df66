/**
 * An API that admits 5 requests in flight and answers 429 + Retry-After: 1 beyond: 500 items at
 * 20 ms through our node (Concurrency 10) in-process (the goal), and with the real n8n our node
 * and what a user builds instead, HTTP Request + Switch, in three variants.
 */
import { runOurNode } from '../engine';
import { customers } from '../customers';
import { prepareApi, repeat, ROW_COLUMNS, rowGoal, s, table, tally, type Row } from '../measure';
import {
	HTTP_NODE,
	SWITCH_NODE,
	gcoreWorkflow,
	httpWorkflow,
	type HttpVariant,
} from '../realWorkflows';
import { itemsFor, scenario } from '../scenario';
import { GCORE_NODE_NAME } from '../../harness/names';

const API = { latencyMs: 20, admitted: 5 };

const HTTP_VARIANTS: Array<[string, HttpVariant]> = [
	['HTTP Request + Switch, "Never Error", default batching', { neverError: true }],
	[
		'HTTP Request + Switch, "Never Error", batches of 5 every 200 ms',
		{ neverError: true, batch: { batchSize: 5, batchInterval: 200 } },
	],
	['HTTP Request + Switch, Retry On Fail instead of "Never Error"', { neverError: false }],
];

export const rateLimitedScenario = scenario({
	name: 'rateLimited',
	order: 20,
	groups: ['speed'],
	realN8n: 'optional',
	async run({ sim, settings, real }) {
		const items = itemsFor(settings, 500);
		const input = customers(items);
		const ours = `Gcore IAM node, default options, Concurrency ${settings.concurrency}`;
		const options = { concurrency: settings.concurrency };
		const rows: Row[] = [
			await repeat(`${ours} (engine, n8n-core 2.41.1)`, settings.reps, async () => {
				await prepareApi(sim, API, items);
				const run = await runOurNode(sim.url, input, options);
				return {
					ms: run.nodeMs,
					...(await tally(sim, items)),
					failed: run.failed,
					error: run.error,
				};
			}),
		];
		const limitMs = (items * API.latencyMs) / API.admitted;
		const maxMs = 1.4 * limitMs;
		const goal = rowGoal(`Rate-limited API, ${items} items, in-process`, rows[0], maxMs);
		const contenders = [
			{
				name: ours,
				// A workflow per run: each starts with an empty record ("Skip If Invited Within").
				workflow: (rep: number) =>
					gcoreWorkflow(`benchGcoreLimited${rep}`, { items: input }, options),
				first: GCORE_NODE_NAME,
				last: GCORE_NODE_NAME,
			},
			...HTTP_VARIANTS.map(([name, variant], i) => ({
				name,
				workflow: () => httpWorkflow(`benchHttpLimited${i}`, sim.url, { items: input }, variant),
				first: HTTP_NODE,
				last: SWITCH_NODE,
			})),
		];
		for (const { name, workflow, first, last } of real ? contenders : [])
			rows.push(
				await repeat(`${name} (real n8n ${real!.version})`, settings.reps, async (rep) => {
					await prepareApi(sim, API, items);
					return {
						...(await real!.execute(workflow(rep), first, last, items)),
						...(await tally(sim, items)),
					};
				}),
			);
		return {
			result: { items, ...API, limitMs, rows },
			table: [
				`Rate-limited API: ${items} items, ${API.latencyMs} ms latency, ${API.admitted} admitted in flight, 429 + Retry-After: 1 beyond (the admitted concurrency allows ${s(limitMs)}). Real n8n: from the sending node's start to the routing node's end.`,
				'',
				...table(rows, ROW_COLUMNS),
			],
			goals: [goal],
		};
	},
});
