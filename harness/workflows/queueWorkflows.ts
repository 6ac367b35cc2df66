/**
 * The queue-mode workflows, started by a production webhook (main receives it, a worker runs it;
 * `n8n execute` would run in the CLI process): one per customer, and a batch whose Gcore IAM node
 * has "Continue (using error output)" and Retry On Fail.
 */
import { NODE_TYPE } from '../ourPackage';
import { loadWorkflow } from './load';
import { CREDENTIAL_ID, CREDENTIAL_NAME, type WorkflowJson } from './workflowJson';

export const CUSTOMER_WORKFLOW = { id: 'gcoreQueueHook01', path: 'gcore-queue-customer' };
export const BATCH_WORKFLOW = { id: 'gcoreQueueBatch1', path: 'gcore-queue-batch' };
export const FAILED_NODE = 'Failed';
/** n8n's Retry On Fail on the batch's Gcore IAM node; the node's own Max Retries stays low so that n8n's retry has work. */
export const BATCH_RETRY = { maxTries: 3, waitBetweenTries: 1000, maxRetries: 1 };

const credential = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME };

export function customerWorkflow(): WorkflowJson {
	return loadWorkflow('queueCustomer', { type: NODE_TYPE, credential }, CUSTOMER_WORKFLOW.id);
}

export function batchWorkflow(): WorkflowJson {
	return loadWorkflow(
		'queueBatch',
		{
			type: NODE_TYPE,
			credential,
			options: { maxRetries: BATCH_RETRY.maxRetries },
			onError: 'continueErrorOutput',
			retryOnFail: true,
			maxTries: BATCH_RETRY.maxTries,
			waitBetweenTries: BATCH_RETRY.waitBetweenTries,
		},
		BATCH_WORKFLOW.id,
	);
}
