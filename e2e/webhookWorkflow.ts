/**
 * The CRM integration as the end-to-end tests build it (Webhook trigger → [Code] → Gcore IAM → one
 * node per branch), a POST to its production URL, and where n8n's record of an execution put each
 * customer. Shared by the single-process scenarios (scenarios/) and the queue-mode ones (queue/).
 */
import * as assert from 'node:assert/strict';

import type { N8nRest } from './n8n/rest';
import { nodeOutputs } from './n8n/runData';
import { NODE_TYPE } from './ourPackage';
import { CREDENTIAL_ID, CREDENTIAL_NAME, GCORE_NODE, type WorkflowJson, type WorkflowNode } from './workflows';

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

/** The Code node of a CRM that posts its export: one item per customer of the body's `customers`. */
export const SPLIT_EXPORT = 'return ($input.first().json.body.customers ?? []).map((c) => ({ json: c }));';

/** One POST as a CRM sends it; resolves with the status (n8n answers 200 "Workflow was started" once it has the execution). */
export async function post(url: string, body: unknown): Promise<number> {
	return (await postForAnswer(url, body)).status;
}

/** The same, with n8n's answer: during start-up n8n answers 200 without starting the workflow; only `{"message":"Workflow was started"}` says it did. */
export async function postForAnswer(url: string, body: unknown): Promise<{ status: number; text: string }> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: res.status, text: await res.text() };
}

export interface Routed {
	email: string;
	/** 0 Success, 1 Already Activated, 2 Not Found */
	branch: number;
	outcome: string | undefined;
}

/** Where n8n's record of one execution put each item of Gcore IAM, and that each branch's node got them. */
export async function routedIn(rest: N8nRest, executionId: string): Promise<Routed[]> {
	const { run, status } = await rest.execution(executionId);
	assert.equal(status, 'success', `execution ${executionId}: ${status} ${JSON.stringify(run.data.resultData.error ?? '')}`);
	const outs = nodeOutputs(run, GCORE_NODE);
	const routed: Routed[] = [];
	outs.slice(0, 3).forEach((items, branch) => {
		const reached = (nodeOutputs(run, BRANCHES[branch])[0] ?? []).map((i) => String(i.json.email ?? (i.json.body as { email?: string })?.email));
		const emails = items.map((i) => String(i.json.email ?? (i.json.body as { email?: string })?.email));
		assert.deepEqual(reached, emails, `execution ${executionId}: what reached "${BRANCHES[branch]}"`);
		items.forEach((i, k) => routed.push({ email: emails[k], branch, outcome: (i.json.invitation as { outcome?: string } | undefined)?.outcome }));
	});
	return routed;
}
