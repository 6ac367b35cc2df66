/** Queue mode's webhook workflows (`n8n execute` would run in the CLI process): per customer, and a batch. */
import { GCORE_NODE_NAME } from '../names';
import { loadWorkflow, readWorkflow } from './load';
import { CREDENTIAL_ID, CREDENTIAL_NAME, type WorkflowJson } from './workflowJson';

export const CUSTOMER_WORKFLOW = { id: 'gcoreQueueHook01', path: 'gcore-queue-customer' };
export const BATCH_WORKFLOW = { id: 'gcoreQueueBatch1', path: 'gcore-queue-batch' };
export const FAILED_NODE = 'Failed';

const credential = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME };
const savedBatchNode = readWorkflow('queueBatch').nodes.find((n) => n.name === GCORE_NODE_NAME)!;
/** The batch node's own Max Retries as saved (low, so that n8n's Retry On Fail, also saved, has work). */
export const BATCH_RETRY = savedBatchNode.parameters.options as { maxRetries: number };

export function customerWorkflow(): WorkflowJson {
	return loadWorkflow('queueCustomer', { credential }, CUSTOMER_WORKFLOW.id);
}

/** Its Gcore IAM node on "Continue (using error output)" with n8n's Retry On Fail (as saved). */
export function batchWorkflow(): WorkflowJson {
	return loadWorkflow('queueBatch', { credential }, BATCH_WORKFLOW.id);
}
