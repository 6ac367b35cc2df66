// Queue mode (4): the worker running a batch SIGKILLed halfway; measured what n8n, its Retry and a new run do,
// asserted that the rest goes on and nobody is left un-e-mailed (issue 16). Runs last: it leaves one worker.
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { hasExited } from '../../harness/processes';
import { batchCustomers, batchFinished, startBatch } from '../../harness/queue/batch';
import { LOCK_SETTINGS } from '../../harness/queue/cluster';
import { FINAL_STATUSES } from '../../harness/n8n/rest';
import { countBy, seconds, workerOf } from '../../harness/queue/executions';
import { groupAlive } from '../../harness/services/daemon';
import { BATCH_WORKFLOW, CUSTOMER_WORKFLOW } from '../../harness/workflows/queueWorkflows';
import { none } from '../expect';
import { measured } from '../measured';
import type { QueueScenario } from '../scenario';
import * as steps from '../webhookSteps';

const AFTER_KILL_POSTS = 20;
const LABEL = '4. worker SIGKILL';

export const workerKill: QueueScenario = {
	name: 'a worker SIGKILLed in the middle of a 200-customer batch: n8n marks that execution, main and the other worker go on, no other execution lost',
	mode: 'queue',
	order: 90,
	label: LABEL,
	async run(ctx) {
		const { cluster, sim } = ctx;
		const batch = batchCustomers(200, 'kill.example.com');
		const invited = batch.users.flatMap((u) => (u.status === 'invited' ? [u.email] : []));
		await sim.prepare({ latencyMs: 300, logRequests: true, users: batch.users });
		const customers = steps.hookOnQueue(ctx, CUSTOMER_WORKFLOW);
		const batches = steps.hookOnQueue(ctx, BATCH_WORKFLOW);
		const statuses = async () =>
			new Map(
				[...(await customers.executions()), ...(await batches.executions())].map((e) => [
					e.id,
					e.status,
				]),
			);
		const goesOn = (when: string) =>
			assert.ok(
				!hasExited(cluster.server.child) && survivor.running(),
				`main or the survivor exited ${when}`,
			);
		const earlier = await statuses();

		const { id, worker: victim } = await startBatch(cluster, batch.customers);
		const survivor = cluster.workers.find((w) => w !== victim)!;

		const { killedAt, atKill } = await steps.killAfter(sim, 60, async () => {
			process.kill(victim.pid, 'SIGKILL');
			await victim.exited;
		});

		const seen: string[] = [];
		let status = '';
		let finalMs = 0;
		for (; !FINAL_STATUSES.includes(status); await sleep(500)) {
			const e = await cluster.rest.call<{ status: string }>('GET', `/executions/${id}`);
			finalMs = Date.now() - killedAt;
			if (e.status !== status) seen.push(`${e.status} at +${seconds(finalMs)}`);
			status = e.status;
			if (finalMs > 5 * 60_000)
				throw new Error(`execution ${id} still ${status} 5 min after the kill`);
		}
		const killed = await cluster.rest.execution(id);
		const message = killed.run.data.resultData.error?.message ?? '(none)';
		const keptNodes = Object.keys(killed.run.data.resultData.runData);
		const runnerLeft = groupAlive(victim.pid);
		const afterKill = await sim.stats();
		const emailed = invited.filter((e) => steps.sent(afterKill, e) > 0);

		// Main and the survivor go on: new executions (customers unknown to the API) all succeed there.
		goesOn('after the kill');
		const known = await steps.idsOf(customers);
		const later = steps.invitedCustomers('kill.later', AFTER_KILL_POSTS).emails;
		await steps.postAll(
			customers.url,
			later.map((email) => ({ email })),
		);
		const fresh = await steps.waitFor(customers, known, steps.ended(AFTER_KILL_POSTS), 5 * 60_000);
		const ranOn = workerOf(cluster.workers);

		// n8n's own "Retry" of the failed execution (the executions list's button).
		const requestsBeforeRetry = (await sim.stats()).requests;
		const retry = (await cluster.rest.retryExecution(id)) as { id: string | number };
		const retryExec = await batchFinished(cluster, String(retry.id), 5 * 60_000);
		const retryRequests = (await sim.stats()).requests - requestsBeforeRetry;

		// The user's way to finish: run the batch again. Who gets a second e-mail?
		const rerun = await startBatch(cluster, batch.customers);
		const rerunExec = await batchFinished(cluster, rerun.id, 10 * 60_000);
		const { never, twice } = steps.emailTally(await sim.stats(), invited);

		const lock = `lock ${Number(LOCK_SETTINGS.QUEUE_WORKER_LOCK_DURATION) / 1000} s, renew ${Number(LOCK_SETTINGS.QUEUE_WORKER_LOCK_RENEW_TIME) / 1000} s, stalled check ${Number(LOCK_SETTINGS.QUEUE_WORKER_STALLED_INTERVAL) / 1000} s`;
		measured(LABEL, {
			killed: `${victim.name} after ${atKill.requests} of the batch's requests (${lock})`,
			'the execution in n8n': `${seen.join(' → ')}; final "${status}" ${seconds(finalMs)} after the kill`,
			'its error / run data kept': `"${message.slice(0, 120)}" / nodes: ${keptNodes.join(', ') || 'none'}`,
			[`invited customers e-mailed / not (of ${invited.length})`]: `${emailed.length} / ${invited.length - emailed.length} (requests cut off by the kill: ${afterKill.statusCounts.aborted ?? 0})`,
			"the killed worker's task runner": runnerLeft
				? 'still running after the kill (stopped by the clean-up)'
				: 'exited with it',
			[`${AFTER_KILL_POSTS} executions after the kill`]: `${JSON.stringify(countBy(fresh.map((e) => e.status)))}, on ${JSON.stringify(countBy(fresh.map((e) => ranOn.get(e.id) ?? '?')))}`,
			'n8n "Retry" of the killed execution': `execution ${retry.id}: ${retryExec.status}, ${retryRequests} API requests`,
			'a new run of the same batch': `${rerunExec.status} on ${rerun.worker.name}; e-mailed a second time: ${twice.length} of the ${emailed.length} e-mailed before the kill (the rest were skipped as sent before); never e-mailed after it: ${never.length}`,
		});
		if (runnerLeft) process.kill(-victim.pid, 'SIGKILL');

		assert.ok(
			FINAL_STATUSES.includes(status) && status !== 'success',
			`the killed execution ended ${status}`,
		);
		assert.deepEqual(
			countBy(fresh.map((e) => `${e.status} on ${ranOn.get(e.id)}`)),
			{ [`success on ${survivor.name}`]: AFTER_KILL_POSTS },
			'executions after the kill',
		);
		const now = await statuses();
		const changed = [...earlier].filter(([id, status]) => now.get(id) !== status).map(([id]) => id);
		none(changed, 'earlier executions changed or vanished');
		goesOn('at the end');
		assert.equal(rerunExec.status, 'success', 'the new run of the batch');
		// Issue 16: what the killed run left in the store never makes the new run skip a customer nobody e-mailed.
		assert.deepEqual(never, [], `invited customers never e-mailed after the new run of the batch`);
		// Sends are recorded in n8n's deduplication store every 5 s: a new run may e-mail again only
		// customers e-mailed before the kill whose record was not yet written.
		const again = twice.filter((e) => !emailed.includes(e));
		none(again, 'a new run e-mailed again someone not e-mailed before the kill');
		return `${victim.name} killed after ${atKill.requests} requests; execution ${id} ${status} after ${seconds(finalMs)}; e-mailed ${emailed.length}, not ${invited.length - emailed.length}; n8n Retry sent ${retryRequests}; a re-run e-mails ${twice.length} again, leaves ${never.length} never e-mailed; ${AFTER_KILL_POSTS} later executions success on ${survivor.name}`;
	},
};
