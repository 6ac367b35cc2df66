// Memory beside a peer in the real n8n 2.41.1: the peak resident set of the n8n process (not of its
// task runner: the same for both) over a fresh, warmed-up `n8n start` while 10,000 items run. Published
// only if every run began at load average < 1: single runs on loaded machines differed by a factor of 3.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import { customers } from '../customers';
import { count, median, peakAbove, prepareApi, progress, s, table, type Columns } from '../measure';
import { postAll, type Served } from '../realN8n';
import { benchWorkflow, hookPath, type Contender } from '../realWorkflows';
import { itemsFor, type Scenario } from '../scenario';
import { waitUntilListening } from '../../harness/n8n/webhook';

const API = { latencyMs: 5 };
const QUIET_WAIT_MS = 10 * 60_000;

async function measured(served: Served, id: string, items: number, quick: boolean) {
	// The warm-up's customers are unknown to the API: nothing of them enters the node's record.
	const warmUp = { customers: customers(10, 900_000) };
	const before = await waitUntilListening(served, id, hookPath(id), warmUp);
	const waitUntil = Date.now() + (quick ? 0 : QUIET_WAIT_MS);
	while (os.loadavg()[0] >= 1 && Date.now() < waitUntil) await sleep(5000);
	const load = Math.round(os.loadavg()[0] * 100) / 100;
	const post = () => postAll(served, id, [{ customers: customers(items) }], before);
	const { mb, done } = await peakAbove(served.server.child.pid ?? 0, post);
	return { mb, load, ms: done.ms, failed: done.failed };
}

type Run = Awaited<ReturnType<typeof measured>>;
type Row = { name: string; quiet: boolean; mb: number; runs: Run[] };
const NOT_QUIET = 'not published: a run began at load average >= 1';
const COLUMNS: Columns<Row> = [
	['Workflow', (r) => r.name],
	['Peak RSS above the warmed-up server, median', (r) => (r.quiet ? `${r.mb} MB` : NOT_QUIET)],
	['Runs: MB at load average', (r) => r.runs.map((run) => `${run.mb} at ${run.load}`).join(', ')],
	['Execution took', (r) => r.runs.map((run) => s(run.ms)).join(', ')],
	['Failed', (r) => Math.max(...r.runs.map((run) => run.failed))],
];

export const realMemoryScenario: Scenario = {
	name: 'realMemory',
	realN8n: 'needed',
	async run({ sim, settings, real }) {
		const n8n = real!;
		const items = itemsFor(settings, 10_000);
		const { concurrency } = settings;
		const contenders: Array<[string, Contender]> = [
			[`Gcore IAM node, Concurrency ${concurrency}`, { ours: { concurrency } }],
			['HTTP Request + Switch, "Never Error"', { neverError: true }],
		];
		// A workflow per run: our node's record ("Skip If Invited Within") starts empty.
		const idOf = (i: number, rep: number) => `benchMemory${i}x${rep}`;
		await n8n.publish(
			contenders.flatMap(([, how], i) =>
				Array.from({ length: settings.reps }, (_, rep) =>
					benchWorkflow(idOf(i, rep), sim.url, 'webhookSplit', how),
				),
			),
		);
		const rows: Row[] = [];
		for (const [i, [name]] of contenders.entries()) {
			const runs = [];
			for (let rep = 0; rep < settings.reps; rep++) {
				progress(`${count(items)} items, ${name}`, rep, settings.reps);
				await prepareApi(sim, API, items);
				const measure = (served: Served) => measured(served, idOf(i, rep), items, settings.quick);
				runs.push(await n8n.serve(measure));
			}
			const quiet = !settings.quick && runs.every((run) => run.load < 1);
			rows.push({ name, quiet, mb: median(runs.map((run) => run.mb)), runs });
		}
		return {
			result: { n8nVersion: n8n.version, items, ...API, rows },
			table: [
				`Memory beside a peer in the real n8n ${n8n.version} (\`n8n start\`, a fresh server each run; Webhook with the customers → Code → the workflow → the branches): ${count(items)} items at ${API.latencyMs} ms; peak resident set of the n8n process while the items run and n8n saves the execution, above the warmed-up server's.`,
				'',
				...table(rows, COLUMNS),
			],
		};
	},
};
