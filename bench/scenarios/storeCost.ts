/**
 * `npm run bench -- --only store`: what n8n's deduplication store costs "Skip If Invited Within"
 * as the node's record grows, in the real n8n 2.41.1 (`n8n start`, regular mode), on SQLite and on
 * PostgreSQL (bench/storeCostN8n.ts). One webhook POST of 500 customers at 100 ms, Concurrency and
 * the window at their defaults, after the node's record was pre-filled with 1,000 / 10,000 /
 * 98,000 strings (just below the node's emptying size); beside it the same run with "Skip If
 * Invited Within" = 0 (no check; successes still recorded for retried executions) on a record of
 * the same size, and with no store at all. Each run on a workflow of its own, so each is its
 * record's first run in the process (the node reads the record's size there).
 *
 * Per run: the node's time (run data), the time spent inside store calls (the wrapped helpers;
 * they overlap with sending, so their sum is what the store keeps busy, not all of it added to
 * the wall time), calls by kind, n8n's peak resident set above its level before the POST.
 *
 * Written to bench/results/store.json. A what-if with other constants of the node's storeRounds.ts,
 * set in the bench's own installed copy only: GCORE_BENCH_STORE_CONSTANTS='{"MAX_STRINGS":20000}'
 * (written to bench/results/store-<names>.json); GCORE_BENCH_STORE_SIZES='[19000]' and
 * GCORE_BENCH_STORE_DATABASES='["sqlite"]' narrow the runs. In quick mode one run each.
 */
import os from 'node:os';

import type { IDataObject } from 'n8n-workflow';

import type { BenchContext, BenchSettings } from '../context';
import { expectedCounts, customers, simulatorUsers } from '../customers';
import { watchPeakRss } from '../peakRss';
import { scenario } from '../scenario';
import { benchGcoreWorkflow } from '../realN8nWorkflows';
import { round, spread, type Spread } from '../stats';
import { StoreCostN8n, type Database, type StoreCall } from '../storeCostN8n';
import { GCORE_NODE_NAME } from '../../harness/names';
import { nodeOutputs } from '../../harness/n8n/runData';
import { post } from '../../harness/workflows/webhookWorkflow';
import { NODE_TYPE } from '../../harness/ourPackage';

const ITEMS = 500;
const LATENCY_MS = 100;
// 98,000, not 99,000: the first check of 500 customers adds 1,500 strings before the node reads the size, and at 100,000 it empties the record.
const STORE_SIZES = [1_000, 10_000, 98_000];
const VARIANTS = ['window', 'zero', 'nostore'] as const;
type Variant = (typeof VARIANTS)[number];
const DATABASES: Database[] = ['sqlite', 'postgres'];
/** Issue 17: the store's share of a run's wall time at 100 ms latency. */
const STORE_SHARE_TARGET = 0.03;
const MB = 1024 * 1024;

export interface StoreRun {
	nodeMs: number;
	storeMs: number;
	calls: Record<string, number>;
	peakAboveStartMb: number;
	recordAfter: number;
	cleared: boolean;
	load1: number;
	problem?: string;
}

export interface StoreCostRow {
	database: Database;
	size: number;
	variant: Variant;
	nodeMs: Spread;
	storeMs: Spread;
	/** Median of storeMs ÷ nodeMs per run. */
	storeShare: number;
	/** Median node time ÷ the median without a store, same database and size. */
	vsNoStore?: number;
	callsPerRun: Record<string, number>;
	peakAboveStartMb: Spread;
	recordAfter: number;
	runs: StoreRun[];
}

/** What to measure: the node's constants changed in the bench's installed copy (what-if rows), sizes, databases. */
interface StoreCostOptions {
	constants?: Record<string, number>;
	sizes?: number[];
	databases?: Database[];
}

export interface StoreCostResult {
	n8nVersion: string;
	items: number;
	latencyMs: number;
	constants: Record<string, number>;
	loadAverage: number[][];
	rows: StoreCostRow[];
}

const workflowId = (size: number, rep: number, variant: Variant) =>
	`storeCost-${size}-r${rep}-${variant}`;
const hookPath = (id: string) => id.toLowerCase();

/** Progress steps of the scenario. */
function storeCostSteps(
	reps: number,
	{ sizes = STORE_SIZES, databases = DATABASES }: StoreCostOptions = {},
): number {
	return databases.length * (1 + sizes.length * reps * VARIANTS.length);
}

async function storeCost(
	context: BenchContext,
	{ constants = {}, sizes = STORE_SIZES, databases = DATABASES }: StoreCostOptions = {},
): Promise<StoreCostResult> {
	const { sim, progress, settings } = context;
	const loadAverage: number[][] = [os.loadavg()];
	const rows: StoreCostRow[] = [];
	const ids: string[] = ['storeCost-warm-up-window'];
	for (const size of sizes)
		for (let rep = 1; rep <= settings.reps; rep++)
			for (const variant of VARIANTS) ids.push(workflowId(size, rep, variant));
	const workflows = ids.map((id, index) => {
		const variant = id.slice(id.lastIndexOf('-') + 1) as Variant;
		const options: IDataObject = variant === 'zero' ? { skipIfInvitedWithin: 0 } : {};
		const webhookId = `b0b0b0b0-0000-4000-8000-${String(900_000_000 + index).padStart(12, '0')}`;
		return benchGcoreWorkflow(
			id,
			NODE_TYPE,
			{ webhook: { path: hookPath(id), webhookId }, split: true },
			options,
		);
	});
	for (const database of databases) {
		const n8n = await progress.run(
			`store cost, ${database}: n8n start with ${workflows.length} workflows`,
			async () => {
				const started = await StoreCostN8n.start(database, sim.url, workflows, constants);
				// Warm-up: the first execution of the process (and the webhook is live).
				await sim.prepare({ users: simulatorUsers(50), latencyMs: LATENCY_MS });
				await runOnce(started, ids[0], customers(50));
				started.takeCalls();
				return started;
			},
		);
		try {
			for (const size of sizes) {
				const runs: Record<Variant, StoreRun[]> = { window: [], zero: [], nostore: [] };
				for (let rep = 1; rep <= settings.reps; rep++) {
					// Alternate the order so that a drift of the machine's load does not favour one variant.
					const order = rep % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
					for (const variant of order) {
						const id = workflowId(size, rep, variant);
						if (!n8n.alive) continue;
						const run = await progress
							.run(
								`store cost, ${database}: record of ${size} strings, ${variant}, run ${rep}/${settings.reps}`,
								async () => {
									await n8n.prefill(id, variant === 'nostore' ? 0 : size);
									await sim.prepare({ users: simulatorUsers(ITEMS), latencyMs: LATENCY_MS });
									return await measuredRun(n8n, id);
								},
							)
							.catch((error: unknown) =>
								failedRun(
									`${id}: ${(error as Error).message.split('\n')[0]}${n8n.alive ? '' : ' (n8n exited)'}`,
								),
							);
						runs[variant].push(run);
						progress.note(
							`${database} ${size} ${variant}: node ${run.nodeMs} ms, store ${run.storeMs} ms, calls ${JSON.stringify(run.calls)}, peak +${run.peakAboveStartMb} MB${run.problem ? `, ${run.problem}` : ''}`,
						);
					}
				}
				const noStoreMedian = spread(runs.nostore.map((run) => run.nodeMs)).median;
				for (const variant of VARIANTS)
					if (runs[variant].length)
						rows.push(rowOf(database, size, variant, runs[variant], noStoreMedian));
			}
		} finally {
			await n8n.stop();
		}
		loadAverage.push(os.loadavg());
	}
	return {
		n8nVersion: '2.41.1',
		items: ITEMS,
		latencyMs: LATENCY_MS,
		constants,
		loadAverage: loadAverage.map((l) => l.map((v) => round(v, 2))),
		rows,
	};
}

function rowOf(
	database: Database,
	size: number,
	variant: Variant,
	runs: StoreRun[],
	noStoreMedian: number,
): StoreCostRow {
	const nodeMs = spread(runs.map((run) => run.nodeMs));
	const callsPerRun: Record<string, number> = {};
	for (const run of runs)
		for (const [name, count] of Object.entries(run.calls))
			callsPerRun[name] = (callsPerRun[name] ?? 0) + count / runs.length;
	return {
		database,
		size,
		variant,
		nodeMs,
		storeMs: spread(runs.map((run) => run.storeMs)),
		storeShare: round(spread(runs.map((run) => run.storeMs / run.nodeMs)).median, 4),
		vsNoStore: variant === 'nostore' ? undefined : round(nodeMs.median / noStoreMedian, 3),
		callsPerRun: Object.fromEntries(
			Object.entries(callsPerRun).map(([name, count]) => [name, round(count, 1)]),
		),
		peakAboveStartMb: spread(runs.map((run) => run.peakAboveStartMb)),
		recordAfter: runs.at(-1)?.recordAfter ?? 0,
		runs,
	};
}

function failedRun(problem: string): StoreRun {
	return {
		nodeMs: NaN,
		storeMs: NaN,
		calls: {},
		peakAboveStartMb: NaN,
		recordAfter: NaN,
		cleared: false,
		load1: round(os.loadavg()[0], 2),
		problem,
	};
}

async function measuredRun(n8n: StoreCostN8n, id: string): Promise<StoreRun> {
	n8n.takeCalls();
	await new Promise((resolve) => setTimeout(resolve, 1000)); // let the pre-fill's and the last run's garbage settle
	const watch = watchPeakRss(n8n.pid);
	const { nodeMs, problem } = await runOnce(n8n, id, customers(ITEMS));
	const peak = watch.stop();
	const calls = n8n.takeCalls().filter((call) => call.workflowId === id);
	const counts: Record<string, number> = {};
	for (const call of calls) counts[call.name] = (counts[call.name] ?? 0) + 1;
	return {
		nodeMs,
		storeMs: round(
			calls.reduce((sum, call) => sum + call.ms, 0),
			1,
		),
		calls: counts,
		peakAboveStartMb: round((peak - watch.startBytes) / MB, 1),
		recordAfter: await n8n.recordSize(id),
		cleared: calls.some((call: StoreCall) => call.name === 'clearAllProcessedItems'),
		load1: round(os.loadavg()[0], 2),
		problem,
	};
}

/** One POST of `items` customers; waits for its execution; the node's time and whether the routes are right. */
async function runOnce(
	n8n: StoreCostN8n,
	id: string,
	items: IDataObject[],
): Promise<{ nodeMs: number; problem?: string }> {
	const before = (await patiently(n8n, () => n8n.rest.allExecutions(id))).length;
	const url = `${n8n.baseUrl}/webhook/${hookPath(id)}`;
	for (let attempt = 0; ; attempt++) {
		const status = await post(url, { customers: items }).catch(() => 0);
		if (status === 200) break;
		if (attempt > 60) throw new Error(`${url} answered ${status}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	const execution = (
		await patiently(n8n, () => n8n.rest.waitForExecutions(id, before + 1, 5 * 60_000))
	)[before];
	const { run, status } = await patiently(n8n, () => n8n.rest.execution(execution.id));
	const task = (run.data.resultData.runData as Record<string, Array<{ executionTime: number }>>)[
		GCORE_NODE_NAME
	]?.[0];
	const routed = [0, 1, 2].map((output) => nodeOutputs(run, GCORE_NODE_NAME)[output]?.length ?? 0);
	const expected = expectedCounts(items.length);
	const wanted = [expected.sent, expected.alreadyActivated, expected.notFound];
	const problem =
		status !== 'success' || routed.some((count, output) => count !== wanted[output])
			? `${id}: ${status}, routed ${routed.join('/')} (wanted ${wanted.join('/')}) ${run.data.resultData.error?.message ?? ''}`.trim()
			: undefined;
	return { nodeMs: task?.executionTime ?? NaN, problem };
}

/** A REST call retried while n8n lives: under this machine's load a connection now and then fails. */
async function patiently<T>(n8n: StoreCostN8n, call: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await call();
		} catch (error) {
			if (!n8n.alive || attempt >= 10) throw error;
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
}

const pct = (value: number) => `${round(value * 100, 2)} %`;

function storeCostTable(result: StoreCostResult): string[] {
	const lines = [
		`Store cost in real n8n ${result.n8nVersion}: ${result.items} customers at ${result.latencyMs} ms, defaults (Concurrency 5, window 10 min)` +
			(Object.keys(result.constants).length
				? `, changed constants ${JSON.stringify(result.constants)}`
				: '') +
			`; load average ${result.loadAverage.map((l) => l.join(' ')).join(' → ')}`,
		'',
		'| Database | Record | Variant | Node time, median (min–max) | Store time | Store share | ÷ no store | Calls per run | Peak RSS above start | Record after |',
		'|---|---:|---|---:|---:|---:|---:|---|---:|---:|',
	];
	for (const row of result.rows) {
		const calls = Object.entries(row.callsPerRun)
			.map(
				([name, count]) =>
					`${name.replace('ProcessedAndRecord', '').replace('Processed', '').replace('DataCount', 'Count').replace('AllProcessedItems', '')} ${count}`,
			)
			.join(', ');
		const share =
			row.variant === 'nostore'
				? '–'
				: `${pct(row.storeShare)}${row.storeShare > STORE_SHARE_TARGET ? ' MISSED' : ''}`;
		lines.push(
			`| ${row.database} | ${row.size.toLocaleString('en')} | ${row.variant} | ${row.nodeMs.median} ms (${row.nodeMs.min}–${row.nodeMs.max}) | ${row.variant === 'nostore' ? '–' : `${round(row.storeMs.median, 0)} ms`} | ${share} | ${row.vsNoStore ?? '–'} | ${calls || '–'} | ${row.peakAboveStartMb.median} MB | ${row.recordAfter.toLocaleString('en')} |`,
		);
	}
	const problems = result.rows
		.flatMap((row) =>
			row.runs.flatMap((run) => [
				run.problem,
				run.cleared
					? `${row.database} ${row.size} ${row.variant}: the record was emptied during a run`
					: undefined,
			]),
		)
		.filter(Boolean);
	if (problems.length) lines.push('', 'Problems:', ...problems.map((p) => `- ${p}`));
	return lines;
}

/** The environment's what-if (see the top of this file). */
function optionsFromEnvironment(): StoreCostOptions {
	return {
		constants: JSON.parse(process.env.GCORE_BENCH_STORE_CONSTANTS ?? '{}') as Record<
			string,
			number
		>,
		sizes: process.env.GCORE_BENCH_STORE_SIZES
			? (JSON.parse(process.env.GCORE_BENCH_STORE_SIZES) as number[])
			: undefined,
		databases: process.env.GCORE_BENCH_STORE_DATABASES
			? (JSON.parse(process.env.GCORE_BENCH_STORE_DATABASES) as Database[])
			: undefined,
	};
}

/** bench/results/store.json, or store-<constant names>.json for a what-if. */
export function storeResultsFile(): string {
	const names = Object.keys(optionsFromEnvironment().constants ?? {});
	return names.length ? `store-${names.join('-')}.json` : 'store.json';
}

const repsOf = (settings: BenchSettings) => (settings.quick ? 1 : settings.reps);

export const storeCostScenario = scenario<StoreCostResult>({
	name: 'store',
	reportOrder: 110,
	runs: { store: 1 },
	steps: (settings) => storeCostSteps(repsOf(settings), optionsFromEnvironment()),
	run: (context) =>
		storeCost(
			{ ...context, settings: { ...context.settings, reps: repsOf(context.settings) } },
			optionsFromEnvironment(),
		),
	table: storeCostTable,
});
