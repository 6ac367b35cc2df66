// Queue mode (3): 2,000 customers in one execution on a worker, Error output + n8n's Retry On Fail, 10 % API
// 500s: the node's guard holds on the worker, no address with a final answer sent again.
import * as assert from 'node:assert/strict';

import { nodeOutputs } from '../../harness/n8n/runData';
import { addressOf, batchCustomers, batchFinished, startBatch } from '../../harness/queue/batch';
import { countBy, seconds, workerOf } from '../../harness/queue/executions';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../../harness/names';
import { BATCH_RETRY, FAILED_NODE } from '../../harness/workflows/queueWorkflows';
import { answersByAddress, isFinalAnswer, none } from '../expect';
import { measured } from '../measured';
import type { QueueScenario } from '../scenario';

const LABEL = '3. 2,000 items, Retry On Fail';
const TRIES = 1 + BATCH_RETRY.maxRetries;

export const batchOnWorker: QueueScenario = {
	name: 'one 2000-item execution on a worker, "Continue (using error output)" + Retry On Fail, 10 % API 500s: no address with a final answer sent again',
	mode: 'queue',
	order: 30,
	label: LABEL,
	async run({ cluster, sim }) {
		const batch = batchCustomers(2000, 'batch.example.com');
		const randomFaults = { rate: 0.1, statuses: [500], seed: 20261127 };
		await sim.prepare({ latencyMs: 20, logRequests: true, users: batch.users, randomFaults });
		const { id, worker, postedAt } = await startBatch(cluster, batch.customers);
		const exec = await batchFinished(cluster, id, 15 * 60_000);
		assert.equal(exec.status, 'success', `execution ${id} status`);
		const ranOn = workerOf(cluster.workers).get(id);
		assert.equal(ranOn, worker.name, `execution ${id} ran on one worker`);

		const { run } = await cluster.rest.execution(id);
		const outs = nodeOutputs(run, GCORE_NODE_NAME);
		assert.equal(outs.length, 4, `${GCORE_NODE_NAME}'s outputs: the three and the Error output`);
		const placed = outs.flatMap((o, k) => o.map((item) => ({ email: addressOf(item), output: k })));
		assert.deepEqual(
			countBy(placed.map((p) => p.email)),
			countBy(batch.customers.map((c) => c.email)),
			'every customer on exactly one output',
		);
		const wrong = placed.filter((p) => p.output < 3 && p.output !== batch.expectedBranch(p.email));
		none(
			wrong.map((p) => p.email),
			'customers on the wrong branch',
		);

		// Per address, the requests in arrival order: nothing may follow a final answer.
		const stats = await sim.stats();
		const byAddress = answersByAddress(stats);
		const resentAfterFinal = [...byAddress].filter(([, s]) => {
			const final = s.findIndex(isFinalAnswer);
			return final >= 0 && final < s.length - 1;
		});
		const failed = placed.filter((p) => p.output === 3).map((p) => p.email);
		const failedWithFinal = failed.filter((e) => (byAddress.get(e) ?? []).some(isFinalAnswer));
		// n8n's Retry On Fail re-ran the node: some address was tried more often than the node alone would.
		const retriedByN8n = [...byAddress].filter(([, s]) => s.length > TRIES).length;
		const doubleSent = Object.keys(stats.sentByEmail).filter((e) => stats.sentByEmail[e] > 1);

		const outputs = [...OUTPUT_NAMES, FAILED_NODE]
			.map((b, k) => `${b} ${outs[k].length}`)
			.join(', ');
		const took = (from: number) => seconds(Date.parse(exec.stoppedAt!) - from);
		measured(LABEL, {
			execution: `${exec.status} on ${worker.name}, ${took(Date.parse(exec.startedAt!))} (POST → stopped ${took(postedAt)})`,
			outputs,
			'simulator answers': JSON.stringify(stats.statusCounts),
			[`addresses tried more than 1 + Max Retries (${TRIES}) times: n8n's Retry On Fail re-ran the node`]:
				retriedByN8n,
			'addresses sent again after a final answer / e-mailed twice': `${resentAfterFinal.length} / ${doubleSent.length}`,
		});

		const unexercised = "n8n's Retry On Fail never re-ran the node: the guard was not exercised";
		assert.ok(retriedByN8n > 0, unexercised);
		const shown = resentAfterFinal.slice(0, 5).map(([e, s]) => `${e} ${s.join(',')}`);
		none(shown, 'addresses sent again after a final answer');
		none(doubleSent, 'customers e-mailed twice');
		none(failedWithFinal, 'on the Error output although the API gave a final answer');
		return `${exec.status} on ${worker.name} (${run.data.resultData.runData[GCORE_NODE_NAME].length} run of ${GCORE_NODE_NAME}); ${outputs}; ${retriedByN8n} addresses re-sent by Retry On Fail, 0 after a final answer; API ${JSON.stringify(stats.statusCounts)}`;
	},
};
