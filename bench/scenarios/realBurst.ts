// The burst in the real n8n 2.41.1 (`n8n start`, SQLite), one customer per POST, all at once; API at
// 300 ms (at 20 ms n8n's own per-execution work keeps fewer than 5 in flight). Each repetition a fresh
// `n8n start` with customers of its own; each row of our node an account of its own. Issue 22: ratios.
import { customers } from '../customers';
import {
	count,
	prepareApi,
	progress,
	ROW_COLUMNS,
	rowGoal,
	s,
	sampleOf,
	summarize,
	table,
} from '../measure';
import type { Sample } from '../measure';
import { postAll } from '../realN8n';
import { benchWorkflow, hookPath } from '../realWorkflows';
import { itemsFor, type Scenario } from '../scenario';
import { waitUntilListening } from '../../harness/n8n/webhook';
import { credentialJson } from '../../harness/workflows/workflowJson';
import { DEFAULT_API_KEY } from '../../simulator';

const LATENCY_MS = 300;
const ADMITTED = 5;
const RATIO_TARGET = 1.1;

/** `ours`: our node with "Skip If Invited Within" at its default or 0; else HTTP Request + Switch. */
const ROWS = [
	{ key: 'OursUnlimited', size: 200, ours: 'default', noLimit: true },
	{ key: 'OursOffUnlimited', size: 200, ours: 0, noLimit: true },
	{ key: 'HttpUnlimited', size: 200, noLimit: true },
	{ key: 'Ours200', size: 200, ours: 'default' },
	{ key: 'OursOff200', size: 200, ours: 0 },
	{ key: 'Http200', size: 200 },
	{ key: 'HttpRetry200', size: 200, retryOnFail: true },
	{ key: 'Ours1000', size: 1000, ours: 'default' },
	{ key: 'Http1000', size: 1000 },
];
const NEVER_ERROR = 'HTTP Request + Switch "Never Error"';
/** What Skip If Invited Within costs (a goal each): wall time of one row ÷ another's. */
const RATIOS = [
	['without limit: default ÷ 0', 'OursUnlimited', 'OursOffUnlimited'],
	[`without limit: default ÷ ${NEVER_ERROR}`, 'OursUnlimited', 'HttpUnlimited'],
	[`admits ${ADMITTED}: default ÷ 0`, 'Ours200', 'OursOff200'],
];

const nameOf = ({ ours, retryOnFail, noLimit }: (typeof ROWS)[number]) =>
	`${ours === undefined ? `HTTP Request + Switch, ${retryOnFail ? 'Retry On Fail (3 tries, 1 s apart)' : '"Never Error"'}` : `Gcore IAM node, Skip If Invited Within ${ours === 0 ? '0' : 'default (10 min)'}`}; API ${noLimit ? 'without limit' : `admits ${ADMITTED}`}`;

export const realBurstScenario: Scenario = {
	name: 'realBurst',
	groups: ['burst'],
	realN8n: 'needed',
	async run({ sim, settings, real }) {
		const n8n = real!;
		const plan = ROWS.map((declared) => {
			const row = { ...declared, size: itemsFor(settings, declared.size) };
			const id = `benchBurst${row.key}`;
			const ours = row.ours !== undefined;
			const apiKey = ours ? `${DEFAULT_API_KEY}-${row.key}` : DEFAULT_API_KEY;
			const credential = { id: `benchCred${row.key}`, name: `Gcore IAM (burst ${row.key})` };
			const skip = row.ours === 0 ? { skipIfInvitedWithin: 0 } : {};
			const how = ours ? { ours: skip, credential } : { neverError: !row.retryOnFail };
			const workflow = benchWorkflow(id, sim.url, 'webhook', how);
			const api = { latencyMs: LATENCY_MS, apiKey, admitted: row.noLimit ? 0 : ADMITTED };
			const account = credentialJson(credential.id, credential.name, apiKey, sim.url);
			const limited = ours && !row.noLimit;
			const maxMs = limited ? 2000 + (2 * row.size * LATENCY_MS) / ADMITTED : undefined;
			return { row, id, name: nameOf(row), workflow, api, account, maxMs, samples: [] as Sample[] };
		});
		progress(`import and publish ${plan.length} webhook workflows`);
		const published = plan.map((p) => p.workflow);
		const accounts = plan.map((p) => p.account);
		await n8n.publish(published, accounts);
		for (let rep = 0; rep < settings.reps; rep++) {
			const offset = (rep + 1) * 100_000;
			await n8n.serve(async (served) => {
				for (const { row, id, name, api, samples } of plan) {
					progress(`${row.size} POSTs: ${name}`, rep, settings.reps);
					// The readiness probe's customer nobody has meets an API without a limit: it teaches the node nothing.
					await prepareApi(sim, { latencyMs: LATENCY_MS, apiKey: api.apiKey }, 0);
					const before = await waitUntilListening(served, id, hookPath(id));
					const burst = () => postAll(served, id, customers(row.size, offset), before);
					samples.push(await sampleOf(sim, api, row.size, burst, offset));
				}
			});
		}
		const rows = plan.map((p) => ({ ...p.row, ...summarize(p.name, p.samples), maxMs: p.maxMs }));
		const wall = (key: string) => rows.find((row) => row.key === key)!.ms;
		const ratios = RATIOS.map(([name, a, b]): [string, number] => [name, wall(a) / wall(b)]);
		const compared = rows[0].size;
		const ourRows = rows.filter((row) => row.ours !== undefined);
		const burstOf = (size: number) => `Burst of ${count(size)} in the real n8n`;
		return {
			result: { n8nVersion: n8n.version, latencyMs: LATENCY_MS, admitted: ADMITTED, rows, ratios },
			table: [
				`Burst in the real n8n ${n8n.version} (\`n8n start\`, SQLite): one customer per POST, all at once; API at ${LATENCY_MS} ms, ${ADMITTED} admitted in flight and 429 + Retry-After: 1 beyond, or without limit. Wall time: first POST to the last execution's stop. Failed: executions not successful or whose customer reached no outcome node (with Retry On Fail a 400 or 404 answer is an error: 1 in 10 customers fails there by design), and POSTs n8n refused.`,
				'',
				...table(rows, [
					['Executions', (row) => count(row.size)],
					...ROW_COLUMNS,
					['Goal', (row) => (row.maxMs ? `<= ${s(row.maxMs)}` : '–')],
				]),
				'',
				`What Skip If Invited Within costs: wall times of our node's ${count(compared)}-execution rows divided.`,
				'',
				...table(ratios, [
					['Ratio of wall times', ([name]) => name],
					['Value', ([, value]) => value.toFixed(2)],
				]),
			],
			goals: [
				...ourRows.map((row) => rowGoal(`${burstOf(row.size)}, ${row.name}`, row, row.maxMs)),
				...ratios.map(([name, value]) => ({
					name: `${burstOf(compared)}, Skip If Invited Within ${name}`,
					value: value.toFixed(2),
					target: `<= ${RATIO_TARGET.toFixed(2)}`,
					met: value <= RATIO_TARGET,
				})),
			],
		};
	},
};
