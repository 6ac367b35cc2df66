/**
 * Memory beside a peer in the real n8n 2.41.1: 10,000 items at 5 ms through our node and through
 * HTTP Request + Switch ("Never Error"), Webhook (the customers in one POST) → Code (one item
 * each) → the workflow → the branches. Each run is a fresh `n8n start` and a warm-up POST; then,
 * once the machine is quiet (load average below 1), the peak resident set of the n8n process
 * (kernel high-water mark, reset first) while the items run and n8n saves the execution, above its
 * resident set just before. The Code node's task runner is a process of its own, not counted (the
 * same for both). A figure is the median of the runs, published only if every run started on a
 * quiet machine: single runs on loaded machines have differed by a factor of three.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { customers } from '../customers';
import { count, median, prepareApi, s, table } from '../measure';
import { postAll, type Served } from '../realN8n';
import { gcoreWorkflow, httpWorkflow } from '../realWorkflows';
import { itemsFor, scenario } from '../scenario';
import { waitUntilListening } from '../../harness/n8n/webhook';

const API = { latencyMs: 5 };
const QUIET_WAIT_MS = 10 * 60_000;

/** Waits up to `maxMs` for a one-minute load average below 1; returns the load average then. */
async function quietMachine(maxMs: number): Promise<number> {
	const t0 = Date.now();
	while (os.loadavg()[0] >= 1 && Date.now() - t0 < maxMs)
		await new Promise((resolve) => setTimeout(resolve, 5000));
	return Math.round(os.loadavg()[0] * 100) / 100;
}

/** The n8n process's resident set, kB: now, or its high-water mark since the reset. */
function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
}

async function measured(served: Served, id: string, hook: string, items: number, quick: boolean) {
	const pid = served.server.child.pid ?? 0;
	// The warm-up's customers are unknown to the API: nothing of them enters the node's record.
	const warmUp = { customers: customers(10, 900_000) };
	const before = await waitUntilListening(served, id, hook, warmUp);
	const load = await quietMachine(quick ? 0 : QUIET_WAIT_MS);
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
	const startKb = rssKb(pid, 'VmRSS');
	const run = await postAll(served, id, hook, [{ customers: customers(items) }], before);
	const mb =
		Math.round((Math.max(rssKb(pid, 'VmHWM'), rssKb(pid, 'VmRSS')) - startKb) / 102.4) / 10;
	return { mb, load, ms: run.wallMs, failed: run.failed + run.refused };
}

export const realMemoryScenario = scenario({
	name: 'realMemory',
	order: 60,
	groups: [],
	realN8n: 'needed',
	async run({ sim, settings, real }) {
		const n8n = real!;
		const items = itemsFor(settings, 10_000);
		const ours = `Gcore IAM node, Concurrency ${settings.concurrency}`;
		const peer = 'HTTP Request + Switch, "Never Error"';
		// A workflow per run: each run of our node starts with an empty record ("Skip If Invited Within").
		const plan = [ours, peer].map((name) =>
			Array.from({ length: settings.reps }, (_, rep) => {
				const id = `benchMemory${name === ours ? 'Gcore' : 'Http'}${rep}`;
				const from = { path: id.toLowerCase(), split: true };
				const workflow =
					name === ours
						? gcoreWorkflow(id, from, { concurrency: settings.concurrency })
						: httpWorkflow(id, sim.url, from, { neverError: true });
				return { name, id, hook: from.path, workflow, rep };
			}),
		);
		await n8n.publish(plan.flat().map((run) => run.workflow));
		const rows = [];
		for (const planned of plan) {
			const { name } = planned[0];
			const runs = [];
			for (const { id, hook, rep } of planned) {
				process.stderr.write(`  ${count(items)} items, ${name}, run ${rep + 1}/${settings.reps}\n`);
				await prepareApi(sim, API, items);
				runs.push(await n8n.serve((served) => measured(served, id, hook, items, settings.quick)));
			}
			const quiet = !settings.quick && runs.every((run) => run.load < 1);
			rows.push({ name, quiet, mb: median(runs.map((run) => run.mb)), runs });
		}
		return {
			result: { n8nVersion: n8n.version, items, ...API, rows },
			table: [
				`Memory beside a peer in the real n8n ${n8n.version} (\`n8n start\`, a fresh server each run; Webhook with the customers → Code → the workflow → the branches): ${count(items)} items at ${API.latencyMs} ms; peak resident set of the n8n process while the items run and n8n saves the execution, above the warmed-up server's.`,
				'',
				...table(rows, [
					['Workflow', (row) => row.name],
					[
						'Peak RSS above the warmed-up server, median',
						(row) =>
							row.quiet ? `${row.mb} MB` : 'not published: a run began at load average >= 1',
					],
					[
						'Runs: MB at load average',
						(row) => row.runs.map((run) => `${run.mb} at ${run.load}`).join(', '),
					],
					['Execution took', (row) => row.runs.map((run) => s(run.ms)).join(', ')],
					['Failed', (row) => Math.max(...row.runs.map((run) => run.failed))],
				]),
			],
			goals: [],
		};
	},
});
