// The throughput goal's 2,000 items at 20 ms in the real n8n 2.41.1 (`n8n execute`), our node and
// HTTP Request + Switch: credentials from the database, expressions in an isolate cost per item.
import { customers } from '../customers';
import { count, pct, ROW_COLUMNS, s, table } from '../measure';
import { itemsFor, type Scenario } from '../scenario';

const API = { latencyMs: 20 };

export const realThroughputScenario: Scenario = {
	name: 'realN8nThroughput',
	realN8n: 'needed',
	async run({ sim, settings, real }) {
		const n8n = real!;
		const items = itemsFor(settings, 2000);
		const limitMs = (items * API.latencyMs) / settings.concurrency;
		const { concurrency } = settings;
		const rows = await n8n.executeRows({ sim, settings }, API, customers(items), 'benchMany', [
			[`Gcore IAM node, Concurrency ${concurrency}`, { ours: { concurrency } }],
			['HTTP Request + Switch, "Never Error", default batching', { neverError: true }],
		]);
		return {
			result: { n8nVersion: n8n.version, items, ...API, limitMs, rows },
			table: [
				`In the real n8n ${n8n.version} (\`n8n execute\`): ${count(items)} items at ${API.latencyMs} ms, ${settings.concurrency} in flight allow ${s(limitMs)}; wall time from the sending node's start to the routing node's end.`,
				'',
				...table(rows, [...ROW_COLUMNS, ['Of the limit', (row) => pct(limitMs / row.ms)]]),
			],
		};
	},
};
