/** A queue-mode run read back: executions from PostgreSQL (n8n's own lists leave some out), which worker ran each. */
import { countBy, type ExecutionSummary, type N8nRest } from '../n8n/rest';
import type { N8nWorker } from '../n8n/worker';
import { pollUntil } from '../poll';
import type { PostgresInstance } from '../services/postgres';

export { countBy };

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

/**
 * How many of these executions n8n's public API lists. n8n 2.41.1 leaves out one that finished on a
 * worker before main noted it as enqueued (e2e/QUEUE-MODE.md "Public API leaves some out").
 */
export async function listedByPublicApi(
	rest: N8nRest,
	workflowId: string,
	ids: string[],
): Promise<number> {
	const listed = new Set((await rest.allExecutions(workflowId)).map((e) => e.id));
	return ids.filter((id) => listed.has(id)).length;
}

/** Execution id → worker name, from the workers' logs. */
export function workerOf(workers: N8nWorker[]): Map<string, string> {
	const map = new Map<string, string>();
	for (const w of workers)
		for (const id of w.startedExecutions())
			map.set(id, map.has(id) ? `${map.get(id)}+${w.name}` : w.name);
	return map;
}

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
