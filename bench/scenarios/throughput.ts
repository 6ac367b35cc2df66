// Many items at a fixed API latency, 10 in flight: our node through n8n-core's WorkflowExecute against
// plain keep-alive scripts (axios, node:http). Goal: our time ÷ the faster plain client's.
import { runOurNode } from '../engine';
import { customers, expectedOutcome } from '../customers';
import { count, median, pct, prepareApi, progress, s, table } from '../measure';
import { axiosClient, nodeHttpClient, runRaw, type RawClient } from '../rawClients';
import { itemsFor, type Context, type Scenario } from '../scenario';

type Spec = { items: number; latencyMs: number; target: number };
const ROWS: Spec[] = [
	{ items: 2000, latencyMs: 20, target: 1.1 },
	{ items: 500, latencyMs: 100, target: 1.02 },
];

/** Our node and both plain clients on the same work, taking turns run by run. */
async function row({ sim, settings: { reps, concurrency, quick } }: Context, spec: Spec) {
	const items = itemsFor({ quick }, spec.items);
	const input = customers(items);
	const sent = input.filter((_, i) => expectedOutcome(i) === 'sent').length;
	const problems: string[] = [];
	const raw = (name: string, client: RawClient) => async () => {
		const emails = input.map((customer) => String(customer.email));
		const { ms, statuses } = await runRaw(client, sim.url, emails, concurrency);
		if (statuses['200'] !== sent) problems.push(`${name}: answers ${JSON.stringify(statuses)}`);
		return ms;
	};
	const ours = async () => {
		const run = await runOurNode(sim.url, input, { concurrency });
		if (run.failed || run.error) problems.push(`our node: ${run.failed} failed ${run.error ?? ''}`);
		return run.ms;
	};
	const axios = raw('axios', axiosClient);
	const nodeHttp = raw('node:http', nodeHttpClient);
	const clients = { ours, axios, nodeHttp };
	const names = Object.keys(clients) as Array<keyof typeof clients>;
	const times: Record<string, number[]> = { ours: [], axios: [], nodeHttp: [] };
	for (let rep = 0; rep < reps; rep++) {
		progress(`${items} items at ${spec.latencyMs} ms`, rep, reps);
		// Each repetition another client goes first: none always runs right after the same one.
		for (const name of [...names.slice(rep % 3), ...names.slice(0, rep % 3)]) {
			await prepareApi(sim, { latencyMs: spec.latencyMs }, items);
			times[name].push(await clients[name]());
		}
	}
	const ms = Object.fromEntries(names.map((name) => [name, median(times[name])]));
	const ratio = Math.round((ms.ours / Math.min(ms.axios, ms.nodeHttp)) * 1000) / 1000;
	const limitMs = (items * spec.latencyMs) / concurrency;
	return { ...spec, items, limitMs, ms, times, ratio, problems };
}

export const throughputScenario: Scenario = {
	name: 'throughput',
	groups: ['speed'],
	async run(context) {
		// Unmeasured: module loading and JIT warm-up of the engine and both clients.
		await row(context, { items: 200, latencyMs: 0, target: Infinity });
		const rows: Array<Awaited<ReturnType<typeof row>>> = [];
		for (const spec of ROWS) rows.push(await row(context, spec));
		const cell = (r: (typeof rows)[number], name: string) =>
			`${s(r.ms[name])} · ${pct(r.limitMs / r.ms[name])} of the limit`;
		return {
			result: rows,
			table: [
				`${context.settings.concurrency} in flight; our node's execution time as n8n records it; plain clients over keep-alive connections.`,
				'',
				...table(rows, [
					['Work', (r) => `${count(r.items)} items, ${r.latencyMs} ms latency`],
					['Limit', (r) => s(r.limitMs)],
					['Gcore IAM node (n8n engine)', (r) => cell(r, 'ours')],
					['plain axios', (r) => cell(r, 'axios')],
					['plain node:http', (r) => cell(r, 'nodeHttp')],
					['ours ÷ the faster', (r) => r.ratio.toFixed(2)],
				]),
				...rows.flatMap((r) => r.problems.map((problem) => `- ${problem}`)),
			],
			goals: rows.map((r) => ({
				name: `${count(r.items)} items at ${r.latencyMs} ms, 10 in flight: node ÷ the faster plain client`,
				value: r.ratio.toFixed(2),
				target: `<= ${r.target.toFixed(2)}, every answer as expected`,
				met: r.ratio <= r.target && r.problems.length === 0,
			})),
		};
	},
};
