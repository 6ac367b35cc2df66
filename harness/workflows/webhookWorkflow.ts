/**
 * The CRM integration as the end-to-end tests build it (Webhook trigger → [Code] → Gcore IAM → one
 * node per branch) and a POST to its production URL. Shared by the single-process e2e scenarios,
 * the queue-mode ones and the benchmark; where an execution put each customer is read (and
 * checked) in e2e/routedIn.ts.
 */
import { NODE_TYPE } from '../ourPackage';
import { CREDENTIAL_ID, CREDENTIAL_NAME, GCORE_NODE, type WorkflowJson, type WorkflowNode } from './workflowJson';

export const BRANCHES = ['Success', 'Already Activated', 'Not Found'];
export const WEBHOOK_NODE = 'CRM webhook';

export interface WebhookWorkflow {
	id: string;
	/** The Webhook node's path: production URL <base>/webhook/<path>. */
	path: string;
	/** The Gcore IAM node's Options. */
	options?: Record<string, unknown>;
	/** A Code node between the Webhook and Gcore IAM (its items carry `email`); without it the POST body does. */
	codeBefore?: string;
	/** The gcoreIamApi credential (default: the simulator credential the e2e imports). */
	credential?: { id: string; name: string };
}

/** The CRM's trigger: a Webhook node (POST, v2, answers at once) with a fixed webhookId, so that its production URL is <base>/webhook/<path>. */
export function webhookNode(id: string, path: string, webhookId: string, position: [number, number] = [0, 200]): WorkflowNode {
	return { id, name: WEBHOOK_NODE, type: 'n8n-nodes-base.webhook', typeVersion: 2, position, parameters: { httpMethod: 'POST', path, options: {} }, webhookId };
}

/** Webhook (POST, v2, fixed webhookId) → [Code] → Gcore IAM (default "Stop Workflow") → Success / Already Activated / Not Found. */
export function webhookWorkflow(spec: WebhookWorkflow): WorkflowJson {
	const uuid = (n: number) => `${spec.id.replace(/[^0-9a-f]/gi, '').padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;
	const node = (n: number, name: string, type: string, x: number, y: number, parameters: Record<string, unknown>, extra: Partial<WorkflowNode> = {}): WorkflowNode => ({
		id: uuid(n),
		name,
		type,
		typeVersion: 1,
		position: [x, y],
		parameters,
		...extra,
	});
	const nodes: WorkflowNode[] = [
		webhookNode(uuid(1), spec.path, uuid(99)),
		node(3, GCORE_NODE, NODE_TYPE, 440, 200, { operation: 'resendInvitation', email: spec.codeBefore ? '={{ $json.email }}' : '={{ $json.body.email }}', options: spec.options ?? {} }, {
			credentials: { gcoreIamApi: spec.credential ?? { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
		}),
		...BRANCHES.map((name, k) => node(10 + k, name, 'n8n-nodes-base.noOp', 760, k * 200, {})),
	];
	const link = (to: string) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
	const connections: WorkflowJson['connections'] = { [GCORE_NODE]: { main: BRANCHES.map((name) => [{ node: name, type: 'main', index: 0 }]) } };
	if (spec.codeBefore) {
		nodes.push(node(2, 'CRM export', 'n8n-nodes-base.code', 220, 200, { jsCode: spec.codeBefore }, { typeVersion: 2 }));
		connections[WEBHOOK_NODE] = link('CRM export');
		connections['CRM export'] = link(GCORE_NODE);
	} else {
		connections[WEBHOOK_NODE] = link(GCORE_NODE);
	}
	return { id: spec.id, name: `e2e: webhook ${spec.path}`, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/** One POST as a CRM sends it; resolves with the status (n8n answers 200 "Workflow was started" once it has the execution). */
export async function post(url: string, body: unknown): Promise<number> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	await res.arrayBuffer();
	return res.status;
}
