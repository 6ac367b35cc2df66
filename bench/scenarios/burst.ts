// One-customer executions (a CRM trigger firing for a bulk import) at once in one process, each run
// against a simulator of its own (an account the node knows nothing about, as after n8n starts).
import type { IDataObject } from 'n8n-workflow';

import { runOurNode } from '../engine';
import { customers } from '../customers';
import { count, repeat, ROW_COLUMNS, rowGoal, s, sampleOf, table } from '../measure';
import { itemsFor, type Scenario } from '../scenario';
import { startSimulatorProcess } from '../../harness/simulatorProcess';

const API = { latencyMs: 20, admitted: 5 };

export const burstScenario: Scenario = {
	name: 'burst',
	groups: ['burst'],
	async run({ settings }) {
		const options = { concurrency: settings.concurrency };
		const rows = [];
		for (const size of [200, 1000].map((n) => itemsFor(settings, n))) {
			const row = await repeat(`${count(size)} executions at once`, settings.reps, async () => {
				const sim = await startSimulatorProcess();
				try {
					return await sampleOf(sim, API, size, async () => {
						const t0 = performance.now();
						const one = (customer: IDataObject) => runOurNode(sim.url, [customer], options);
						const runs = await Promise.all(customers(size).map(one));
						const ms = performance.now() - t0;
						const failed = runs.filter((run) => run.failed || run.error).length;
						return { ms, failed, error: runs.find((run) => run.error)?.error };
					});
				} finally {
					await sim.stop();
				}
			});
			rows.push({ ...row, maxMs: 2000 + (2 * size * API.latencyMs) / API.admitted });
		}
		return {
			result: { ...API, rows },
			table: [
				`Burst in-process (engine harness, n8n-core 2.41.1): one-customer executions started at once; API at ${API.latencyMs} ms, ${API.admitted} admitted in flight, 429 + Retry-After: 1 beyond; each run against an account the node knew nothing about.`,
				'',
				...table(rows, [...ROW_COLUMNS, ['Goal', (row) => `<= ${s(row.maxMs)}`]]),
			],
			goals: rows.map((row) => rowGoal(`Burst of ${row.name}, in-process`, row, row.maxMs)),
		};
	},
};
