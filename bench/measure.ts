/**
 * The steps every scenario shares: the API a run meets (the simulator's settings), what the API
 * saw (requests, 429s, customers e-mailed twice or never), a row repeated and summed up (the median
 * time, the worst counts of any repetition), and the report's cells and tables.
 */
import type { SimulatorProcess } from '../harness/simulatorProcess';
import { DEFAULT_API_KEY } from '../simulator';
import { customers, expectedOutcome, simulatorUsers } from './customers';
import type { Goal } from './scenario';

/** The API: its latency; with `admitted`, 429 + Retry-After: 1 beyond that many in flight. */
export interface Api {
	latencyMs: number;
	admitted?: number;
	/** An API key of its own: an account the node knows nothing about. */
	apiKey?: string;
}

export async function prepareApi(
	sim: SimulatorProcess,
	api: Api,
	count: number,
	offset = 0,
): Promise<void> {
	await sim.prepare({
		users: simulatorUsers(count, offset),
		latencyMs: api.latencyMs,
		...(api.admitted ? { maxInFlight: api.admitted, rateLimitRetryAfter: 1 } : {}),
		apiKey: api.apiKey ?? DEFAULT_API_KEY,
	});
}

/** What the API saw since prepareApi; `count`/`offset`: the customers of the run. */
export async function tally(sim: SimulatorProcess, count: number, offset = 0) {
	const stats = await sim.stats();
	const sent = (email: unknown) => stats.sentByEmail[String(email).toLowerCase()] ?? 0;
	const all = customers(count, offset);
	return {
		requests: stats.requests,
		rateLimited: stats.statusCounts['429'] ?? 0,
		twice: all.filter((c) => sent(c.email) > 1).length,
		never: all.filter((c, i) => expectedOutcome(offset + i) === 'sent' && !sent(c.email)).length,
	};
}

/** One run of a row. */
export interface Sample {
	ms: number;
	failed: number;
	twice: number;
	never: number;
	requests: number;
	rateLimited: number;
	error?: string;
}

/** A row over its repetitions: the median time, every run's time, the worst of each count. */
export type Row = Omit<Sample, 'ms'> & { name: string; ms: number; runs: number[] };

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs a row `reps` times; its figure is the median. */
export async function repeat(
	name: string,
	reps: number,
	once: (rep: number) => Promise<Sample>,
): Promise<Row> {
	const samples: Sample[] = [];
	for (let rep = 0; rep < reps; rep++) {
		process.stderr.write(`  ${name}, run ${rep + 1}/${reps}\n`);
		samples.push(await once(rep));
	}
	return summarize(name, samples);
}

/** The median time, every run's time, the worst of each count. */
export function summarize(name: string, samples: Sample[]): Row {
	const worst = (key: 'failed' | 'twice' | 'never' | 'requests' | 'rateLimited') =>
		Math.max(...samples.map((sample) => sample[key]));
	return {
		name,
		ms: median(samples.map((sample) => sample.ms)),
		runs: samples.map((sample) => Math.round(sample.ms)),
		failed: worst('failed'),
		twice: worst('twice'),
		never: worst('never'),
		requests: worst('requests'),
		rateLimited: worst('rateLimited'),
		error: samples.find((sample) => sample.error)?.error,
	};
}

export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const count = (n: number) => n.toLocaleString('en-US');
export const pct = (share: number) => `${Math.round(share * 100)} %`;
export const mark = (met: boolean) => (met ? 'met' : '**missed**');
export const runsOf = (row: Row) => row.runs.map((ms) => (ms / 1000).toFixed(2)).join(', ');

/** A markdown table: a header cell and a cell function per column. */
export function table<T>(
	rows: T[],
	columns: Array<[string, (row: T) => string | number]>,
): string[] {
	return [
		`| ${columns.map(([title]) => title).join(' | ')} |`,
		`|${columns.map(() => '---|').join('')}`,
		...rows.map((row) => `| ${columns.map(([, cell]) => cell(row)).join(' | ')} |`),
	];
}

/** The columns of a row whose customers the API counted. */
export const ROW_COLUMNS: Array<[string, (row: Row) => string | number]> = [
	['Workflow', (row) => row.name],
	[
		'Wall time (median; runs)',
		(row) => `${s(row.ms)} (${runsOf(row)})${row.error ? ' (failed)' : ''}`,
	],
	['Failed', (row) => row.failed],
	['Never e-mailed', (row) => row.never],
	['E-mailed twice+', (row) => row.twice],
	['Requests (429s)', (row) => `${count(row.requests)} (${count(row.rateLimited)})`],
];

/** A row's goal: at most `maxMs` (if given), 0 failed, 0 never e-mailed, 0 twice, no error. */
export function rowGoal(name: string, row: Row, maxMs?: number): Goal {
	return {
		name,
		value: `${s(row.ms)}, ${row.failed} failed, ${row.never} never e-mailed, ${row.twice} twice`,
		target: `${maxMs === undefined ? '' : `<= ${s(maxMs)}, `}0 failed, 0 never, 0 twice`,
		met:
			(maxMs === undefined || row.ms <= maxMs) &&
			row.failed + row.never + row.twice === 0 &&
			!row.error,
	};
}
