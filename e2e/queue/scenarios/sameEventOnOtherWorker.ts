/**
 * Scenario 6: issue 12's proof 2 across workers (the proof: ../../proofs/sameEventTwice.ts). The
 * same webhook event is POSTed twice, 5 s apart, to the per-customer workflow; the worker that ran
 * the first execution is stopped before the second POST, so the second runs on the other worker
 * and knows of the first send only through n8n's deduplication store in PostgreSQL. The stopped
 * worker is started again for the scenarios that follow.
 */
import * as assert from 'node:assert/strict';

import { SAMPLE_CUSTOMERS } from '../../../simulator';
import { APART_MS, proveSameEventTwice, type SameEventResult } from '../../proofs/sameEventTwice';
import { executionsOf, seconds, waitForExecutions, workerOf } from '../executions';
import { startAgain, stopWorkerThatRan, type StoppedWorker } from '../otherWorker';
import { measured } from '../report';
import { CUSTOMER_WORKFLOW } from '../workflows';
import type { QueueScenario } from './scenario';

const LABEL = '6. same event on the other worker';
const EMAIL = SAMPLE_CUSTOMERS.find((c) => c.status === 'invited')!.email;

export const sameEventOnOtherWorker: QueueScenario = {
	name: `same webhook event twice, ${APART_MS / 1000} s apart, on the other worker: one e-mail, the second execution routes to Success as "sentBefore"`,
	label: LABEL,
	async run(ctx) {
		const { cluster, sim } = ctx;
		let stopped: StoppedWorker | undefined;
		let proof: SameEventResult;
		let restartMs: number | undefined;
		try {
			proof = await proveSameEventTwice({
				sim,
				rest: cluster.rest,
				url: `${cluster.main.baseUrl}/webhook/${CUSTOMER_WORKFLOW.path}`,
				email: EMAIL,
				skipOff: false,
				before: (await executionsOf(cluster.postgres, CUSTOMER_WORKFLOW.id)).length,
				waitForExecutions: (count, timeoutMs) => waitForExecutions(cluster.postgres, CUSTOMER_WORKFLOW.id, count, timeoutMs),
				between: async (firstId) => {
					stopped = await stopWorkerThatRan(cluster, firstId);
				},
			});
		} finally {
			if (stopped) restartMs = await startAgain(cluster, stopped);
		}
		const ranOn = workerOf(cluster.workers);
		const first = stopped!.worker.name;
		const [firstId, secondId] = proof.ids;
		const secondOn = ranOn.get(secondId);
		measured(LABEL, 'first POST', `execution ${firstId} on ${ranOn.get(firstId)}: "sent", 1 request`);
		measured(LABEL, `${first} stopped (SIGTERM, graceful) / started again`, `${seconds(stopped!.stopMs)} / ${seconds(restartMs!)}`);
		measured(LABEL, `second POST (${seconds(proof.apartMs)} after the first)`, `execution ${secondId} on ${secondOn}: Success as "sentBefore", 0 requests; the customer e-mailed once`);
		assert.equal(ranOn.get(firstId), first, `the first execution ${firstId} ran on ${first} alone`);
		assert.ok(secondOn && secondOn !== first && cluster.workers.some((w) => w.name === secondOn), `the second execution ${secondId} ran on ${secondOn ?? 'no worker'}, not on the other worker`);
		return `${proof.note}; first on ${first}, second on ${secondOn}`;
	},
};
