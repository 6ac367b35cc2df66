// An API that admits 5 in flight, 429 + Retry-After: 1 beyond: 500 items at 20 ms through our node
// in-process (the goal), and in the real n8n our node and HTTP Request + Switch in three variants.
import { runOurNode } from '../engine';
import { customers } from '../customers';
import { repeat, ROW_COLUMNS, rowGoal, s, sampleOf, table } from '../measure';
import { itemsFor, type Scenario } from '../scenario';

const API = { latencyMs: 20, admitted: 5 };

export const rateLimitedScenario: Scenario = {
	name: 'rateLimited',
	groups: ['speed'],
	realN8n: 'optional',
	async run({ sim, settings, real }) {
		const items = itemsFor(settings, 500);
		const input = customers(items);
		const ours = `Gcore IAM node, default options, Concurrency ${settings.concurrency}`;
		const options = { concurrency: settings.concurrency };
		const once = () => sampleOf(sim, API, items, () => runOurNode(sim.url, input, options));
		const engineRow = await repeat(`${ours} (engine, n8n-core 2.41.1)`, settings.reps, once);
		const limitMs = (items * API.latencyMs) / API.admitted;
		const inReal = (name: string) => `${name} (real n8n ${real?.version})`;
		const peer = 'HTTP Request + Switch';
		const batched = inReal(`${peer}, "Never Error", batches of 5 every 200 ms`);
		const realRows = !real
			? []
			: await real.executeRows({ sim, settings }, API, input, 'benchLimited', [
					[inReal(ours), { ours: options }],
					[inReal(`${peer}, "Never Error", default batching`), { neverError: true }],
					[batched, { neverError: true, batch: { batchSize: 5, batchInterval: 200 } }],
					[inReal(`${peer}, Retry On Fail instead of "Never Error"`), { neverError: false }],
				]);
		const rows = [engineRow, ...realRows];
		return {
			result: { items, ...API, limitMs, rows },
			table: [
				`Rate-limited API: ${items} items, ${API.latencyMs} ms latency, ${API.admitted} admitted in flight, 429 + Retry-After: 1 beyond (the admitted concurrency allows ${s(limitMs)}). Real n8n: from the sending node's start to the routing node's end.`,
				'',
				...table(rows, ROW_COLUMNS),
			],
			goals: [rowGoal(`Rate-limited API, ${items} items, in-process`, engineRow, 1.4 * limitMs)],
		};
	},
};
