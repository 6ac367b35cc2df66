/**
 * Queue-mode scenario 3: one execution of 2,000 customers on a worker, the Gcore IAM node on
 * "Continue (using error output)" with n8n's Retry On Fail, the API answering 500 to 10 % of the
 * requests at random.
 * The node's Retry On Fail guard (answers kept per execution, in the process that runs it) holds on
 * the worker: no address that got a final answer is sent again, and every customer leaves on
 * exactly one output.
 */
import * as assert from 'node:assert/strict';

import { nodeOutputs } from '../../harness/n8n/runData';
import { addressOf, batchCustomers, batchFinished, startBatch } from '../../harness/queue/batch';
import { countBy, seconds, workerOf } from '../../harness/queue/executions';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../../harness/names';
import { BATCH_RETRY, FAILED_NODE } from '../../harness/workflows/queueWorkflows';
import { isFinalAnswer } from '../expect';
import { measured } from '../measured';
import type { QueueScenario } from '../scenario';

const ITEMS = 2000;
const FAULT_RATE = 0.1;
const LABEL = '3. 2,000 items, Retry On Fail';

export const batchOnWorker: QueueScenario = {
	name: `one ${ITEMS}-item execution on a worker, "Continue (using error output)" + Retry On Fail, ${FAULT_RATE * 100} % API 500s: no address with a final answer sent again`,
	mode: 'queue',
	order: 30,
	label: LABEL,
	async run(ctx) {
		const { cluster, sim } = ctx;
		const batch = batchCustomers(ITEMS, 'batch.example.com');
		await sim.prepare({
			latencyMs: 20,
			logRequests: true,
			users: batch.users,
			randomFaults: { rate: FAULT_RATE, statuses: [500], seed: 20261127 },
		});
		const { id, worker, postedAt } = await startBatch(cluster, batch.customers);
		const exec = await batchFinished(cluster, id, 15 * 60_000);
		assert.equal(exec.status, 'success', `execution ${id} status`);
		assert.equal(
			workerOf(cluster.workers).get(id),
			worker.name,
			`execution ${id} ran on one worker`,
		);

		const { run } = await cluster.rest.execution(id);
		const outs = nodeOutputs(run, GCORE_NODE_NAME);
		assert.equal(
			outs.length,
			4,
			`${GCORE_NODE_NAME} has ${outs.length} outputs, expected the three and the Error output`,
		);
		const tries = run.data.resultData.runData[GCORE_NODE_NAME].length;
		const placed = outs.flatMap((o, k) => o.map((item) => ({ email: addressOf(item), output: k })));
		assert.deepEqual(
			countBy(placed.map((p) => p.email)),
			countBy(batch.customers.map((c) => c.email)),
			'every customer on exactly one output',
		);
		const wrong = placed.filter((p) => p.output < 3 && p.output !== batch.expectedBranch(p.email));
		assert.equal(
			wrong.length,
			0,
			`customers on the wrong branch: ${JSON.stringify(wrong.slice(0, 10))}`,
		);

		// Per address, the requests in arrival order: nothing may follow a final answer.
		const stats = await sim.stats();
		const byAddress = new Map<string, Array<number | string>>();
		for (const l of stats.log) {
			if (l.path !== '/iam/auth/renew_invitation') continue;
			const email = String((l.body as { email?: string }).email).toLowerCase();
			byAddress.set(email, [...(byAddress.get(email) ?? []), l.status]);
		}
		const resentAfterFinal = [...byAddress].filter(
			([, s]) => s.findIndex(isFinalAnswer) >= 0 && s.findIndex(isFinalAnswer) < s.length - 1,
		);
		const failed = placed.filter((p) => p.output === 3).map((p) => p.email);
		const failedWithFinal = failed.filter((e) => (byAddress.get(e) ?? []).some(isFinalAnswer));
		// n8n's Retry On Fail re-ran the node: some address was tried more often than the node alone would (1 + Max Retries).
		const retriedByN8n = [...byAddress].filter(
			([, s]) => s.length > 1 + BATCH_RETRY.maxRetries,
		).length;
		const doubleSent = Object.entries(stats.sentByEmail).filter(([, n]) => n > 1);

		const branchCounts = [...OUTPUT_NAMES, FAILED_NODE]
			.map((b, k) => `${b} ${outs[k].length}`)
			.join(', ');
		measured(LABEL, {
			execution: `${exec.status} on ${worker.name}, ${seconds(Date.parse(exec.stoppedAt!) - Date.parse(exec.startedAt!))} (POST → stopped ${seconds(Date.parse(exec.stoppedAt!) - postedAt)})`,
		});
		measured(LABEL, { outputs: branchCounts });
		measured(LABEL, { 'simulator answers': JSON.stringify(stats.statusCounts) });
		measured(LABEL, {
			[`addresses tried more than 1 + Max Retries (${1 + BATCH_RETRY.maxRetries}) times: n8n's Retry On Fail re-ran the node`]:
				retriedByN8n,
			'addresses sent again after a final answer / e-mailed twice': `${resentAfterFinal.length} / ${doubleSent.length}`,
		});

		assert.ok(
			retriedByN8n > 0,
			`n8n's Retry On Fail never re-ran the node (no address tried more than ${1 + BATCH_RETRY.maxRetries} times): the guard was not exercised`,
		);
		assert.equal(
			resentAfterFinal.length,
			0,
			`addresses sent again after a final answer: ${resentAfterFinal
				.slice(0, 5)
				.map(([e, s]) => `${e} ${s.join(',')}`)
				.join('; ')}`,
		);
		assert.equal(
			doubleSent.length,
			0,
			`customers e-mailed twice: ${doubleSent.slice(0, 10).join(', ')}`,
		);
		assert.equal(
			failedWithFinal.length,
			0,
			`on the Error output although the API gave a final answer: ${failedWithFinal.slice(0, 10).join(', ')}`,
		);
		return `${exec.status} on ${worker.name} (${tries} run of ${GCORE_NODE_NAME}); ${branchCounts}; ${retriedByN8n} addresses re-sent by Retry On Fail, 0 after a final answer; API ${JSON.stringify(stats.statusCounts)}`;
	},
};
