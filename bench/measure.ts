/** The steps scenarios share: the API a run meets and what it saw, rows over runs, the report's tables. */
import { readFileSync, writeFileSync } from 'node:fs';

import type { SimulatorProcess } from '../harness/simulatorProcess';
import { DEFAULT_API_KEY } from '../simulator';
import { customers, expectedOutcome, simulatorUsers } from './customers';
import type { Goal } from './scenario';

/** The API: its latency; with `admitted`, 429 + Retry-After: 1 beyond that many in flight; `apiKey`: an account of its own. */
export type Api = { latencyMs: number; admitted?: number; apiKey?: string };

export async function prepareApi(sim: SimulatorProcess, api: Api, count: number, offset = 0) {
	const { latencyMs, admitted, apiKey = DEFAULT_API_KEY } = api;
	const limit = admitted ? { maxInFlight: admitted, rateLimitRetryAfter: 1 } : {};
	await sim.prepare({ users: simulatorUsers(count, offset), latencyMs, ...limit, apiKey });
}

const COUNTS = ['failed', 'twice', 'never', 'requests', 'rateLimited'] as const;
type Work = { ms: number; failed: number; error?: string };
type Count = (typeof COUNTS)[number];
export type Sample = Work & Record<Count, number>;

export async function sampleOf(
	sim: SimulatorProcess,
	api: Api,
	count: number,
	work: () => Promise<Work>,
	offset = 0,
): Promise<Sample> {
	await prepareApi(sim, api, count, offset);
	const done = await work();
	const stats = await sim.stats();
	const sent = (email: unknown) => stats.sentByEmail[String(email).toLowerCase()] ?? 0;
	const all = customers(count, offset);
	const rateLimited = stats.statusCounts['429'] ?? 0;
	const twice = all.filter((c) => sent(c.email) > 1).length;
	const wanted = (i: number) => expectedOutcome(offset + i) === 'sent';
	const never = all.filter((c, i) => wanted(i) && !sent(c.email)).length;
	return { ...done, requests: stats.requests, rateLimited, twice, never };
}

/** A row over its runs: the median time, every run's time, the worst of each count. */
export type Row = Omit<Sample, 'ms'> & { name: string; ms: number; runs: number[] };

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function repeat(name: string, reps: number, once: (rep: number) => Promise<Sample>) {
	const samples: Sample[] = [];
	for (let rep = 0; rep < reps; rep++) {
		progress(name, rep, reps);
		samples.push(await once(rep));
	}
	return summarize(name, samples);
}

export function summarize(name: string, samples: Sample[]): Row {
	const worst = COUNTS.map((key) => [key, Math.max(...samples.map((one) => one[key]))] as const);
	const ms = median(samples.map((sample) => sample.ms));
	const runs = samples.map((sample) => Math.round(sample.ms));
	const error = samples.find((sample) => sample.error)?.error;
	return { name, ms, runs, ...(Object.fromEntries(worst) as Record<Count, number>), error };
}

/** How far the process's resident set rose above its size at the start while `work` ran, MB (Linux: the kernel's high-water mark, reset first). */
export async function peakAbove<T>(pid: number | 'self', work: () => Promise<T>) {
	const status = () => readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status())?.[1]);
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
	const startKb = kb('VmRSS');
	const done = await work();
	return { mb: Math.round((Math.max(kb('VmHWM'), kb('VmRSS')) - startKb) / 102.4) / 10, done };
}

export const progress = (what: string, rep?: number, reps?: number) =>
	process.stderr.write(`  ${what}${reps ? `, run ${rep! + 1}/${reps}` : ''}\n`);
export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const count = (n: number) => n.toLocaleString('en-US');
export const pct = (share: number) => `${Math.round(share * 100)} %`;

export type Columns<T> = Array<[string, (row: T) => string | number]>;

export function table<T>(rows: T[], columns: Columns<T>): string[] {
	return [
		`| ${columns.map(([title]) => title).join(' | ')} |`,
		`|${columns.map(() => '---|').join('')}`,
		...rows.map((row) => `| ${columns.map(([, cell]) => cell(row)).join(' | ')} |`),
	];
}

const wallTime = (row: Row) =>
	`${s(row.ms)} (${row.runs.map((ms) => (ms / 1000).toFixed(2)).join(', ')})${row.error ? ' (failed)' : ''}`;
export const ROW_COLUMNS: Columns<Row> = [
	['Workflow', (row) => row.name],
	['Wall time (median; runs)', wallTime],
	['Failed', (row) => row.failed],
	['Never e-mailed', (row) => row.never],
	['E-mailed twice+', (row) => row.twice],
	['Requests (429s)', (row) => `${count(row.requests)} (${count(row.rateLimited)})`],
];

export function rowGoal(name: string, row: Row, maxMs?: number): Goal {
	const value = `${s(row.ms)}, ${row.failed} failed, ${row.never} never e-mailed, ${row.twice} twice`;
	const target = `${maxMs === undefined ? '' : `<= ${s(maxMs)}, `}0 failed, 0 never, 0 twice`;
	const fast = maxMs === undefined || row.ms <= maxMs;
	const met = fast && row.failed + row.never + row.twice === 0 && !row.error;
	return { name, value, target, met };
}
