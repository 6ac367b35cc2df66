/** One batch execution of the queue-mode batch workflow: its customers, the POST that starts it, the worker that takes it, its end. */
import type { SimUser } from '../../simulator';
import type { N8nItem } from '../n8n/runData';
import type { ExecutionSummary } from '../n8n/rest';
import type { N8nWorker } from '../n8n/worker';
import { pollUntil } from '../poll';
import { BATCH_WORKFLOW } from '../workflows/queueWorkflows';
import { postForAnswer } from '../workflows/webhookWorkflow';
import type { QueueCluster } from './cluster';
import { executionsOf, waitForExecutions, workerStarting } from './executions';

/** n customers: of every 10, 8 invited, 1 already active, 1 unknown to the API. */
export function batchCustomers(
	n: number,
	domain: string,
): {
	customers: Array<{ email: string }>;
	users: SimUser[];
	expectedBranch: (email: string) => number;
} {
	const customers = Array.from({ length: n }, (_, i) => ({
		email: `${i % 10 === 8 ? 'a' : i % 10 === 9 ? 'u' : 'c'}${i}@${domain}`,
	}));
	const users = customers
		.filter((c) => !c.email.startsWith('u'))
		.map(
			(c): SimUser => ({ email: c.email, status: c.email.startsWith('a') ? 'active' : 'invited' }),
		);
	return {
		customers,
		users,
		expectedBranch: (email) => (email.startsWith('c') ? 0 : email.startsWith('a') ? 1 : 2),
	};
}

/** POSTs the batch (the webhook answers at once) and returns the execution a worker started for it. */
export async function startBatch(
	cluster: QueueCluster,
	customers: Array<{ email: string }>,
): Promise<{ id: string; worker: N8nWorker; postedAt: number }> {
	const known = new Set((await executionsOf(cluster.postgres, BATCH_WORKFLOW.id)).map((e) => e.id));
	const postedAt = Date.now();
	const res = await postForAnswer(`${cluster.main.baseUrl}/webhook/${BATCH_WORKFLOW.path}`, {
		customers,
	});
	if (res.status !== 200)
		throw new Error(`batch webhook answered ${res.status} ${res.text.slice(0, 300)}`);
	const id = await pollUntil(
		async () =>
			(await executionsOf(cluster.postgres, BATCH_WORKFLOW.id))
				.map((e) => e.id)
				.find((e) => !known.has(e)),
		60_000,
		() => 'the batch webhook created no execution within 60 s',
		200,
	);
	return { id, worker: await workerStarting(cluster.workers, id, 120_000), postedAt };
}

/** Waits until the batch workflow's executions are all final; returns the one with this id. */
export async function batchFinished(
	cluster: QueueCluster,
	id: string,
	timeoutMs: number,
): Promise<ExecutionSummary> {
	const all = await waitForExecutions(cluster.postgres, BATCH_WORKFLOW.id, 1, timeoutMs);
	const mine = all.find((e) => e.id === id);
	if (!mine) throw new Error(`execution ${id} is not among the batch workflow's executions`);
	return mine;
}

/** The address an item of the Gcore IAM node's outputs is about (routed: invitation.email; Error output: the input's email). */
export function addressOf(item: N8nItem): string {
	const json = item.json as {
		email?: string;
		invitation?: { email?: string };
		details?: { email?: string };
	};
	return String(json.invitation?.email ?? json.details?.email ?? json.email).toLowerCase();
}
