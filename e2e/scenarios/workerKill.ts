/**
 * Queue-mode scenario 4: the worker running a batch is SIGKILLed halfway (as a crash or an OOM
 * kill would end it). Measured: what n8n does with that execution (status, how long after the
 * kill), which customers were e-mailed and which not, what n8n's own "Retry" of it does, and who a
 * new run of the same batch e-mails again. Asserted: main and the other worker keep running, the earlier
 * executions stay as they were, new executions all succeed on the surviving worker, and after the
 * new run of the batch no invited customer is left un-e-mailed (issue 16).
 * Runs last (order 90): it leaves one worker.
 */
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { hasExited } from '../../harness/processes';
import { batchCustomers, batchFinished, startBatch } from '../../harness/queue/batch';
import { LOCK_SETTINGS } from '../../harness/queue/cluster';
import {
	countBy,
	executionsOf,
	FINAL,
	seconds,
	waitForExecutions,
	workerOf,
} from '../../harness/queue/executions';
import { groupAlive } from '../../harness/services/daemon';
import { BATCH_WORKFLOW, CUSTOMER_WORKFLOW } from '../../harness/workflows/queueWorkflows';
import { measured } from '../measured';
import { post } from '../../harness/workflows/webhookWorkflow';
import type { QueueScenario } from '../scenario';

const ITEMS = 200;
const LATENCY_MS = 300;
/** Kill once the API has received this many of the batch's requests. */
const KILL_AFTER_REQUESTS = 60;
const AFTER_KILL_POSTS = 20;
const LABEL = '4. worker SIGKILL';

export const workerKill: QueueScenario = {
	name: `a worker SIGKILLed in the middle of a ${ITEMS}-customer batch: n8n marks that execution, main and the other worker go on, no other execution lost`,
	mode: 'queue',
	order: 90,
	label: LABEL,
	async run(ctx) {
		const { cluster, sim } = ctx;
		const batch = batchCustomers(ITEMS, 'kill.example.com');
		const invited = batch.customers
			.map((c) => c.email)
			.filter((e) => batch.expectedBranch(e) === 0);
		await sim.prepare({ latencyMs: LATENCY_MS, logRequests: true, users: batch.users });
		const earlier = await executionsOf(cluster.postgres, CUSTOMER_WORKFLOW.id);
		const earlierBatch = await executionsOf(cluster.postgres, BATCH_WORKFLOW.id);

		const { id, worker: victim } = await startBatch(cluster, batch.customers);
		const survivor = cluster.workers.find((w) => w !== victim)!;
		for (let t0 = Date.now(); (await sim.stats()).requests < KILL_AFTER_REQUESTS; ) {
			if (Date.now() - t0 > 120_000)
				throw new Error(`the batch did not reach ${KILL_AFTER_REQUESTS} requests within 120 s`);
			await sleep(50);
		}
		process.kill(victim.pid, 'SIGKILL');
		const killedAt = Date.now();
		const atKill = await sim.stats();
		await victim.exited;

		// The execution as n8n shows it, until it reaches a final status.
		const seen: string[] = [];
		let status = '';
		for (;;) {
			const e = await cluster.rest.call<{ status: string }>('GET', `/executions/${id}`);
			if (e.status !== status) seen.push(`${e.status} at +${seconds(Date.now() - killedAt)}`);
			status = e.status;
			if (FINAL.includes(status)) break;
			if (Date.now() - killedAt > 5 * 60_000)
				throw new Error(`execution ${id} still ${status} 5 min after the kill`);
			await sleep(500);
		}
		const finalMs = Date.now() - killedAt;
		const killed = await cluster.rest.execution(id);
		const message = killed.run.data.resultData.error?.message ?? '(none)';
		const keptNodes = Object.keys(killed.run.data.resultData.runData);
		const runnerLeft = groupAlive(victim.pid);
		const afterKill = await sim.stats();
		const emailed = invited.filter((e) => afterKill.sentByEmail[e]);
		const notEmailed = invited.filter((e) => !afterKill.sentByEmail[e]);
		const aborted = afterKill.statusCounts.aborted ?? 0;

		// Main and the survivor go on: new executions (customers unknown to the API, so nobody's e-mail count changes) all succeed there.
		assert.ok(!hasExited(cluster.server.child), 'main (n8n start) exited');
		assert.ok(survivor.running(), `${survivor.name} exited`);
		const before = new Set(
			(await executionsOf(cluster.postgres, CUSTOMER_WORKFLOW.id)).map((e) => e.id),
		);
		const url = `${cluster.main.baseUrl}/webhook/${CUSTOMER_WORKFLOW.path}`;
		const later = Array.from({ length: AFTER_KILL_POSTS }, (_, i) => `later${i}@kill.example.com`);
		await Promise.all(later.map((email) => post(url, { email })));
		const customerRuns = await waitForExecutions(
			cluster.postgres,
			CUSTOMER_WORKFLOW.id,
			before.size + AFTER_KILL_POSTS,
			5 * 60_000,
		);
		const fresh = customerRuns.filter((e) => !before.has(e.id));
		const ranOn = workerOf(cluster.workers);

		// n8n's own "Retry" of the failed execution (the executions list's button).
		const requestsBeforeRetry = (await sim.stats()).requests;
		const retry = (await cluster.rest.retryExecution(id)) as { id: string | number };
		const retryExec = await batchFinished(cluster, String(retry.id), 5 * 60_000);
		const retryRequests = (await sim.stats()).requests - requestsBeforeRetry;

		// The user's way to finish: run the batch again. Who gets a second e-mail?
		const rerun = await startBatch(cluster, batch.customers);
		const rerunExec = await batchFinished(cluster, rerun.id, 10 * 60_000);
		const final = await sim.stats();
		const twice = invited.filter((e) => (final.sentByEmail[e] ?? 0) > 1);
		const never = invited.filter((e) => !final.sentByEmail[e]);

		const lock = `lock ${Number(LOCK_SETTINGS.QUEUE_WORKER_LOCK_DURATION) / 1000} s, renew ${Number(LOCK_SETTINGS.QUEUE_WORKER_LOCK_RENEW_TIME) / 1000} s, stalled check ${Number(LOCK_SETTINGS.QUEUE_WORKER_STALLED_INTERVAL) / 1000} s`;
		measured(LABEL, {
			killed: `${victim.name} after ${atKill.requests} of the batch's requests (${lock})`,
			'the execution in n8n': `${seen.join(' → ')}; final "${status}" ${seconds(finalMs)} after the kill`,
			'its error / run data kept': `"${message.slice(0, 120)}" / nodes: ${keptNodes.length ? keptNodes.join(', ') : 'none'}`,
			[`invited customers e-mailed / not (of ${invited.length})`]: `${emailed.length} / ${notEmailed.length} (requests cut off by the kill: ${aborted})`,
			"the killed worker's task runner": runnerLeft
				? 'still running after the kill (stopped by the clean-up)'
				: 'exited with it',
			[`${AFTER_KILL_POSTS} executions after the kill`]: `${JSON.stringify(countBy(fresh.map((e) => e.status)))}, on ${JSON.stringify(countBy(fresh.map((e) => ranOn.get(e.id) ?? '?')))}`,
			'n8n "Retry" of the killed execution': `execution ${retry.id}: ${retryExec.status}, ${retryRequests} API requests`,
			'a new run of the same batch': `${rerunExec.status} on ${rerun.worker.name}; e-mailed a second time: ${twice.length} of the ${emailed.length} e-mailed before the kill (the rest were skipped as sent before); never e-mailed after it: ${never.length}`,
		});
		if (runnerLeft) process.kill(-victim.pid, 'SIGKILL');

		assert.ok(
			FINAL.includes(status) && status !== 'success',
			`the killed execution ended ${status}`,
		);
		assert.deepEqual(
			countBy(fresh.map((e) => e.status)),
			{ success: AFTER_KILL_POSTS },
			'executions after the kill',
		);
		const elsewhere = fresh.filter((e) => ranOn.get(e.id) !== survivor.name);
		assert.deepEqual(elsewhere, [], `executions after the kill not on ${survivor.name}`);
		const now = new Map(customerRuns.map((e) => [e.id, e.status]));
		const changed = earlier.filter((e) => now.get(e.id) !== e.status);
		assert.deepEqual(changed.slice(0, 5), [], 'earlier executions changed or vanished');
		const batchNow = new Map(
			(await executionsOf(cluster.postgres, BATCH_WORKFLOW.id)).map((e) => [e.id, e.status]),
		);
		assert.ok(
			earlierBatch.every((e) => batchNow.get(e.id) === e.status),
			'earlier batch executions unchanged',
		);
		assert.ok(
			!hasExited(cluster.server.child) && survivor.running(),
			'main and the surviving worker still running at the end',
		);
		assert.equal(rerunExec.status, 'success', 'the new run of the batch');
		// Issue 16: what the killed run left in the store never makes the new run skip a customer nobody e-mailed.
		assert.deepEqual(
			never,
			[],
			`invited customers never e-mailed after the new run of the batch: ${never.length} of ${invited.length}`,
		);
		// Sends are recorded in n8n's deduplication store every 5 s: a new run skips those recorded, and
		// may e-mail again only customers e-mailed before the kill whose record was not yet written.
		assert.ok(
			twice.every((e) => emailed.includes(e)),
			`a new run e-mailed again someone not e-mailed before the kill: ${twice
				.filter((e) => !emailed.includes(e))
				.slice(0, 5)
				.join(', ')}`,
		);
		return `${victim.name} killed after ${atKill.requests} requests; execution ${id} ${status} after ${seconds(finalMs)}; e-mailed ${emailed.length}, not ${notEmailed.length}; n8n Retry sent ${retryRequests}; a re-run e-mails ${twice.length} again, leaves ${never.length} never e-mailed; ${AFTER_KILL_POSTS} later executions success on ${survivor.name}`;
	},
};
