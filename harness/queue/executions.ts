/**
 * Reading a queue-mode run back: the executions from PostgreSQL (n8n's own lists are not complete in
 * queue mode, see listedByPublicApi), which worker ran each (its log), the run data over REST.
 */
import { countBy, FINAL_STATUSES, type ExecutionSummary, type N8nRest } from '../n8n/rest';
import type { N8nWorker } from '../n8n/worker';
import { pollUntil } from '../poll';
import type { PostgresInstance } from '../services/postgres';

export { countBy, FINAL_STATUSES as FINAL };

/** The workflow's executions as stored in PostgreSQL (table execution_entity), oldest first. */
export async function executionsOf(
	pg: PostgresInstance,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	if (!/^\w+$/.test(workflowId)) throw new Error(`unexpected workflow id ${workflowId}`);
	const ms = (col: string) => `coalesce(round(extract(epoch from "${col}") * 1000)::text, '')`;
	const rows = await pg.query(
		`select id, status, mode, ${ms('startedAt')}, ${ms('stoppedAt')}, coalesce("retryOf", '') from execution_entity where "workflowId" = '${workflowId}' order by id`,
	);
	const iso = (v: string) => (v ? new Date(Number(v)).toISOString() : undefined);
	return rows.map(([id, status, mode, startedAt, stoppedAt, retryOf]) => ({
		id,
		workflowId,
		status,
		mode,
		startedAt: iso(startedAt),
		stoppedAt: iso(stoppedAt),
		retryOf: retryOf || null,
	}));
}

/** Waits until the workflow has at least `count` executions and none of them is new/running/waiting; returns them. */
export async function waitForExecutions(
	pg: PostgresInstance,
	workflowId: string,
	count: number,
	timeoutMs: number,
): Promise<ExecutionSummary[]> {
	let last: ExecutionSummary[] = [];
	return pollUntil(
		async () => {
			last = await executionsOf(pg, workflowId);
			return last.length >= count && last.every((e) => FINAL_STATUSES.includes(e.status))
				? last
				: undefined;
		},
		timeoutMs,
		() =>
			`after ${timeoutMs / 1000} s: ${last.length} of ${count} executions, ${JSON.stringify(countBy(last.map((e) => e.status)))}`,
		1000,
	);
}

/**
 * How many of these executions n8n's public API lists. Measured with n8n 2.41.1: it leaves out an
 * execution that finished on a worker before main had noted it as enqueued (main's log: "Execution 3
 * (job 3) finished" before "Enqueued execution 3"): main then holds it as running for good, and the
 * list excludes running ones (executions.public.controller.js `excludeRunning`).
 */
export async function listedByPublicApi(
	rest: N8nRest,
	workflowId: string,
	ids: string[],
): Promise<number> {
	const listed = new Set((await rest.allExecutions(workflowId)).map((e) => e.id));
	return ids.filter((id) => listed.has(id)).length;
}

/** Execution id → worker name, from the workers' logs ("Worker started execution <id>"). */
export function workerOf(workers: N8nWorker[]): Map<string, string> {
	const map = new Map<string, string>();
	for (const w of workers)
		for (const id of w.startedExecutions())
			map.set(id, map.has(id) ? `${map.get(id)}+${w.name}` : w.name);
	return map;
}

/** Polls the workers' logs until one of them says it started execution `id`. */
export function workerStarting(
	workers: N8nWorker[],
	id: string,
	timeoutMs: number,
): Promise<N8nWorker> {
	return pollUntil(
		async () => workers.find((w) => w.startedExecutions().includes(id)),
		timeoutMs,
		() => `no worker started execution ${id} within ${timeoutMs / 1000} s`,
		100,
	);
}

/** Runs fn over items with at most `parallel` at once (reading 300 executions one by one is slow). */
export async function mapLimit<T, R>(
	items: T[],
	parallel: number,
	fn: (item: T) => Promise<R>,
): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(parallel, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;
				out[i] = await fn(items[i]);
			}
		}),
	);
	return out;
}

export function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}
