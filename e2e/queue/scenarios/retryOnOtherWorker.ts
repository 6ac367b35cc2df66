/**
 * Scenario 5: issue 12's proof 1 across workers (the proof: ../../proofs/retriedExecution.ts). The
 * "Stop Workflow" run of 300 customers fails on one worker; that worker is stopped, so n8n's Retry
 * (REST, mode 'retry', which main always queues to a worker) can only run on the other: what the
 * first worker sent is known there only through n8n's deduplication store in PostgreSQL.
 */
import { CUSTOMERS, FAILING, proveRetriedExecution, retriedExecutionWorkflow } from '../../proofs/retriedExecution';
import { onOtherWorker } from '../otherWorker';
import { measured } from '../report';
import type { QueueScenario } from './scenario';

const WORKFLOW = { id: 'gcoreQueueRetry1', path: 'gcore-queue-retry' };
const LABEL = '5. retry on the other worker';

export const retryOnOtherWorker: QueueScenario = {
	name: `retried execution on the other worker: a "Stop Workflow" run of ${CUSTOMERS} fails on one worker (an address answering 500); with that worker stopped, n8n's Retry runs on the other and e-mails everyone exactly once`,
	label: LABEL,
	workflows: () => [retriedExecutionWorkflow(WORKFLOW.id, WORKFLOW.path)],
	async run(ctx) {
		const { proof, first, second } = await onOtherWorker(
			ctx,
			LABEL,
			WORKFLOW,
			(setup, awayFrom) => proveRetriedExecution({ ...setup, beforeRetry: awayFrom }),
			(p) => [p.failedId, p.retryId],
		);
		measured(LABEL, 'failed execution ("Stop Workflow")', `${proof.failedId} on ${first}: e-mailed ${proof.sentFirst} of ${CUSTOMERS}, stopped by ${FAILING} (500 on every try)`);
		measured(LABEL, "n8n's Retry (POST /rest/executions/<id>/retry)", `${proof.retryId} on ${second}: e-mailed ${CUSTOMERS - proof.sentFirst} (${proof.retryRequests} requests), ${proof.skipped} on Success as "sentBefore"`);
		measured(LABEL, 'customers e-mailed exactly once over both executions', `${CUSTOMERS} of ${CUSTOMERS}`);
		return `${proof.note}; failed on ${first}, retried on ${second}`;
	},
};
