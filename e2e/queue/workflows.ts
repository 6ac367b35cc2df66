/**
 * The queue-mode workflows, both started by a production webhook (main receives it, a worker runs
 * it; `n8n execute` would run in the CLI process instead):
 * - per customer: Webhook (body `{ email }`) → Gcore IAM → Success / Already Activated / Not Found;
 * - a batch: Webhook (body `{ customers: [{ email }, …] }`) → Code (one item per customer) →
 *   Gcore IAM with "Continue (using error output)" and Retry On Fail → the three branches + Failed.
 */
import { NODE_TYPE } from '../../harness/ourPackage';
import { CREDENTIAL_ID, CREDENTIAL_NAME, GCORE_NODE, type WorkflowJson, type WorkflowNode } from '../../harness/workflows/workflowJson';

export const CUSTOMER_WORKFLOW = { id: 'gcoreQueueHook01', path: 'gcore-queue-customer' };
export const BATCH_WORKFLOW = { id: 'gcoreQueueBatch1', path: 'gcore-queue-batch' };
export const BRANCH_NODES = ['Success', 'Already Activated', 'Not Found'];
export const FAILED_NODE = 'Failed';
export const SPLIT_NODE = 'One item per customer';
/** n8n's Retry On Fail on the batch's Gcore IAM node; the node's own Max Retries stays low so that n8n's retry has work. */
export const BATCH_RETRY = { maxTries: 3, waitBetweenTries: 1000, maxRetries: 1 };

let ids = 0;
function node(name: string, type: string, typeVersion: number, position: [number, number], parameters: Record<string, unknown>, extra: Partial<WorkflowNode> = {}): WorkflowNode {
	ids++;
	return { id: `e2e0a000-0000-4000-8000-${String(ids).padStart(12, '0')}`, name, type, typeVersion, position, parameters, ...extra };
}

function webhook(path: string, webhookId: string): WorkflowNode {
	return node('Webhook', 'n8n-nodes-base.webhook', 2, [0, 200], { httpMethod: 'POST', path, options: {} }, { webhookId });
}

function gcore(email: string, extra: Partial<WorkflowNode>, options: Record<string, unknown> = {}): WorkflowNode {
	return node(GCORE_NODE, NODE_TYPE, 1, [440, 200], { operation: 'resendInvitation', email, options }, {
		credentials: { gcoreIamApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
		...extra,
	});
}

function branches(withFailed: boolean): { nodes: WorkflowNode[]; outputs: WorkflowJson['connections'][string]['main'] } {
	const names = withFailed ? [...BRANCH_NODES, FAILED_NODE] : BRANCH_NODES;
	return {
		nodes: names.map((name, k) => node(name, 'n8n-nodes-base.noOp', 1, [700, k * 160], {})),
		outputs: names.map((name) => [{ node: name, type: 'main', index: 0 }]),
	};
}

export function customerWorkflow(): WorkflowJson {
	const out = branches(false);
	return {
		id: CUSTOMER_WORKFLOW.id,
		name: 'Queue mode: one customer per webhook call',
		nodes: [webhook(CUSTOMER_WORKFLOW.path, 'e2e0b000-0000-4000-8000-000000000001'), gcore('={{ $json.body.email }}', {}), ...out.nodes],
		connections: {
			Webhook: { main: [[{ node: GCORE_NODE, type: 'main', index: 0 }]] },
			[GCORE_NODE]: { main: out.outputs },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

export function batchWorkflow(): WorkflowJson {
	const out = branches(true);
	return {
		id: BATCH_WORKFLOW.id,
		name: 'Queue mode: a batch of customers per webhook call',
		nodes: [
			webhook(BATCH_WORKFLOW.path, 'e2e0b000-0000-4000-8000-000000000002'),
			node(SPLIT_NODE, 'n8n-nodes-base.code', 2, [220, 200], { jsCode: 'return $input.first().json.body.customers.map((c) => ({ json: c }));' }),
			gcore('={{ $json.email }}', { onError: 'continueErrorOutput', retryOnFail: true, maxTries: BATCH_RETRY.maxTries, waitBetweenTries: BATCH_RETRY.waitBetweenTries }, { maxRetries: BATCH_RETRY.maxRetries }),
			...out.nodes,
		],
		connections: {
			Webhook: { main: [[{ node: SPLIT_NODE, type: 'main', index: 0 }]] },
			[SPLIT_NODE]: { main: [[{ node: GCORE_NODE, type: 'main', index: 0 }]] },
			[GCORE_NODE]: { main: out.outputs },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}
