/** One execution of the queue-mode batch workflow: its customers, the POST, the worker that takes it, its end. */
import type { SimUser } from '../../simulator';
import type { N8nItem } from '../n8n/runData';
import { FINAL_STATUSES, pollExecutions, type ExecutionSummary } from '../n8n/rest';
import type { N8nWorker } from '../n8n/worker';
import { webhookUrl } from '../n8n/webhook';
import { pollUntil } from '../poll';
import { BATCH_WORKFLOW } from '../workflows/queueWorkflows';
import { postForAnswer } from '../workflows/webhookWorkflow';
import type { QueueCluster } from './cluster';
import { executionsOf, workerStarting } from './executions';

/** n customers: of every 10, 8 invited (c…), 1 already active (a…), 1 unknown to the API (u…); branch by letter. */
export function batchCustomers(n: number, domain: string) {
	const letter = (i: number) => (i % 10 === 8 ? 'a' : i % 10 === 9 ? 'u' : 'c');
	const customers = Array.from({ length: n }, (_, i) => ({ email: `${letter(i)}${i}@${domain}` }));
	const users = customers.flatMap(({ email }): SimUser[] =>
		email[0] === 'u' ? [] : [{ email, status: email[0] === 'a' ? 'active' : 'invited' }],
	);
	return { customers, users, expectedBranch: (email: string) => 'cau'.indexOf(email[0]) };
}

/** POSTs the batch; returns the execution a worker started for it. */
export async function startBatch(
	cluster: QueueCluster,
	customers: Array<{ email: string }>,
): Promise<{ id: string; worker: N8nWorker; postedAt: number }> {
	const known = new Set((await executionsOf(cluster.postgres, BATCH_WORKFLOW.id)).map((e) => e.id));
	const postedAt = Date.now();
	const url = webhookUrl({ n8n: cluster.main }, BATCH_WORKFLOW.path);
	const res = await postForAnswer(url, { customers });
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

export function batchFinished(
	cluster: QueueCluster,
	id: string,
	timeoutMs: number,
): Promise<ExecutionSummary> {
	return pollExecutions(
		() => executionsOf(cluster.postgres, BATCH_WORKFLOW.id),
		timeoutMs,
		(all) => all.find((e) => e.id === id && FINAL_STATUSES.includes(e.status)),
		(last) => `execution ${id}: ${last.find((e) => e.id === id)?.status ?? 'not listed'}`,
	);
}

/** The address an item of Gcore IAM's outputs is about (Error output: the input's email). */
export function addressOf(item: N8nItem): string {
	const json = item.json as {
		email?: string;
		invitation?: { email?: string };
		details?: { email?: string };
	};
	return String(json.invitation?.email ?? json.details?.email ?? json.email).toLowerCase();
}
