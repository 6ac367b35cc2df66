/**
 * Scenario 5: issue 12's proof 1 across workers (the proof: ../../proofs/retriedExecution.ts). The
 * "Stop Workflow" run of 300 customers fails on one worker; that worker is stopped, so n8n's Retry
 * (REST, mode 'retry', queued to a worker since OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true) can only
 * run on the other: what the first worker sent is known there only through n8n's deduplication
 * store in PostgreSQL. The stopped worker is started again for the scenarios that follow.
 */
import * as assert from 'node:assert/strict';

import { CUSTOMERS, FAILING, proveRetriedExecution, retriedExecutionWorkflow, type RetriedExecutionResult } from '../../proofs/retriedExecution';
import { executionsOf, seconds, waitForExecutions, workerOf } from '../executions';
import { startAgain, stopWorkerThatRan, type StoppedWorker } from '../otherWorker';
import { measured } from '../report';
import type { QueueScenario } from './scenario';

const WORKFLOW = { id: 'gcoreQueueRetry1', path: 'gcore-queue-retry' };
const LABEL = '5. retry on the other worker';

export const retryOnOtherWorker: QueueScenario = {
	name: `retried execution on the other worker: a "Stop Workflow" run of ${CUSTOMERS} fails on one worker (an address answering 500); with that worker stopped, n8n's Retry runs on the other and e-mails everyone exactly once`,
	label: LABEL,
	workflows: () => [retriedExecutionWorkflow(WORKFLOW.id, WORKFLOW.path)],
	async run(ctx) {
		const { cluster, sim } = ctx;
		let stopped: StoppedWorker | undefined;
		let proof: RetriedExecutionResult;
		let restartMs: number | undefined;
		try {
			proof = await proveRetriedExecution({
				sim,
				rest: cluster.rest,
				url: `${cluster.main.baseUrl}/webhook/${WORKFLOW.path}`,
				before: (await executionsOf(cluster.postgres, WORKFLOW.id)).length,
				waitForExecutions: (count, timeoutMs) => waitForExecutions(cluster.postgres, WORKFLOW.id, count, timeoutMs),
				beforeRetry: async (failedId) => {
					stopped = await stopWorkerThatRan(cluster, failedId);
				},
			});
		} finally {
			if (stopped) restartMs = await startAgain(cluster, stopped);
		}
		const ranOn = workerOf(cluster.workers);
		const first = stopped!.worker.name;
		const retriedOn = ranOn.get(proof.retryId);
		measured(LABEL, 'failed execution ("Stop Workflow")', `${proof.failedId} on ${ranOn.get(proof.failedId)}: e-mailed ${proof.sentFirst} of ${CUSTOMERS}, stopped by ${FAILING} (500 on every try)`);
		measured(LABEL, `${first} stopped (SIGTERM, graceful) / started again`, `${seconds(stopped!.stopMs)} / ${seconds(restartMs!)}`);
		measured(LABEL, "n8n's Retry (POST /rest/executions/<id>/retry)", `${proof.retryId} on ${retriedOn}: e-mailed ${CUSTOMERS - proof.sentFirst} (${proof.retryRequests} requests), ${proof.skipped} on Success as "sentBefore"`);
		measured(LABEL, 'customers e-mailed exactly once over both executions', `${CUSTOMERS} of ${CUSTOMERS}`);
		assert.equal(ranOn.get(proof.failedId), first, `the failed execution ${proof.failedId} ran on ${first} alone`);
		assert.ok(retriedOn && retriedOn !== first && cluster.workers.some((w) => w.name === retriedOn), `the retry ${proof.retryId} ran on ${retriedOn ?? 'no worker (main?)'}, not on the other worker`);
		return `${proof.note}; failed on ${first}, retried on ${retriedOn}`;
	},
};
