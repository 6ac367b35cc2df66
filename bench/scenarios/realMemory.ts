/**
 * Memory beside a peer in the real n8n 2.41.1: 10,000 items at 5 ms through our node and through
 * HTTP Request + Switch ("Never Error"), Webhook (the customers in one POST) → Code (one item
 * each) → the workflow → the branches. Each run is a fresh `n8n start` and a warm-up POST; then,
 * once the machine is quiet (load average below 1), the peak resident set of the n8n process
 * while the items run and n8n saves the execution, above its resident set just before. The Code
 * node's task runner is a process of its own, not counted (the same for both). A figure is the
 * median of the runs, and published only if every run started on a quiet machine: single runs on
 * loaded machines have differed by a factor of three.
 */
import { customers } from '../customers';
import { count, median, prepareApi, s, table } from '../measure';
import { listening, postAll, quietMachine, watchPeakRss } from '../realN8n';
import { gcoreWorkflow, httpWorkflow } from '../realWorkflows';
import { itemsFor, scenario } from '../scenario';

const MB = 1024 * 1024;
const API = { latencyMs: 5 };
const QUIET_WAIT_MS = 10 * 60_000;

export const realMemoryScenario = scenario({
	name: 'realMemory',
	order: 60,
	groups: [],
	realN8n: 'needed',
	async run({ sim, settings, real }) {
		const n8n = real!;
		const items = itemsFor(settings, 10_000);
		const from = (key: string) => ({ path: `bench-memory-${key}`, split: true });
		const contenders = [
			{
				name: `Gcore IAM node, Concurrency ${settings.concurrency}`,
				hook: from('gcore').path,
				workflow: gcoreWorkflow('benchMemoryGcore', from('gcore'), {
					concurrency: settings.concurrency,
				}),
			},
			{
				name: 'HTTP Request + Switch, "Never Error", default batching',
				hook: from('http').path,
				workflow: httpWorkflow('benchMemoryHttp', sim.url, from('http'), { neverError: true }),
			},
		];
		await n8n.publish(contenders.map((c) => c.workflow));
		const rows = [];
		for (const { name, hook, workflow } of contenders) {
			const runs: Array<{ mb: number; load: number; ms: number; failed: number }> = [];
			for (let rep = 0; rep < settings.reps; rep++) {
				process.stderr.write(`  ${count(items)} items, ${name}, run ${rep + 1}/${settings.reps}\n`);
				runs.push(
					await n8n.serve(async (served) => {
						await prepareApi(sim, API, 10);
						const before = await listening(served, workflow.id, hook, { customers: customers(10) });
						await prepareApi(sim, API, items);
						const load = await quietMachine(settings.quick ? 0 : QUIET_WAIT_MS);
						const watch = watchPeakRss(served.server.child.pid!);
						const run = await postAll(
							served,
							workflow.id,
							hook,
							[{ customers: customers(items) }],
							before,
						);
						return {
							mb: Math.round(((watch.stop() - watch.startBytes) / MB) * 10) / 10,
							load,
							ms: run.wallMs,
							failed: run.failed + run.refused,
						};
					}),
				);
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
							row.quiet ? `${row.mb} MB` : 'not published: a run started at load average >= 1',
					],
					[
						'Runs (MB at load average)',
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
