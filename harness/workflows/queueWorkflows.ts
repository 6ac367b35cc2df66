/** Queue mode's webhook workflows (`n8n execute` would run in the CLI process): per customer, and a batch. */
import { NODE_TYPE } from '../ourPackage';
import { loadWorkflow } from './load';
import { CREDENTIAL_ID, CREDENTIAL_NAME, type WorkflowJson } from './workflowJson';

export const CUSTOMER_WORKFLOW = { id: 'gcoreQueueHook01', path: 'gcore-queue-customer' };
export const BATCH_WORKFLOW = { id: 'gcoreQueueBatch1', path: 'gcore-queue-batch' };
export const FAILED_NODE = 'Failed';
/** The batch's Retry On Fail; the node's own Max Retries low, so that n8n's retry has work. */
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
