/**
 * Workflows for the real n8n: the CRM's items (ItemSource) → either what a user builds without
 * this package (HTTP Request + Switch on the status code) or our node → the outcome nodes.
 * For `n8n execute` the items come from a Manual Trigger and a Code node; on `n8n start` from a
 * Webhook, one customer per POST (the burst; our node's burst workflow is the e2e's) or a list
 * of them split by a Code node (memory). Node types and parameters as n8n 2.41's editor saves them.
 */
import type { IDataObject } from 'n8n-workflow';

import { BRANCHES, webhookNode } from '../harness/workflows/webhookWorkflow';

export const HTTP_NODE = 'HTTP Request';
export const SWITCH_NODE = 'Switch';
export const GCORE_NODE = 'Gcore IAM';
/** The nodes after the routing node: the three outcomes (e2e's branch names), then Failed. */
export const OUTCOME_NODES = [...BRANCHES, 'Failed'];
export const HEADER_CREDENTIAL = { id: 'benchHeaderAuth', name: 'Gcore API key (header)' };
export const GCORE_CREDENTIAL = { id: 'benchGcoreIam', name: 'Gcore IAM account' };

export interface HttpRequestVariant {
	/** HTTP Request's Batching option; undefined = the editor's default (all items at once). */
	batch?: { batchSize: number; batchInterval: number };
	/** "Never Error" (true), or the node's Retry On Fail instead (false); "Include Response Headers and Status" either way. */
	neverError: boolean;
}

type Node = IDataObject & { name: string };

/**
 * Where the items come from: a Manual Trigger and a Code node returning `items`; or a Webhook,
 * its POST body one customer `{ email }`, or with `split` a list `{ customers: [...] }` that a
 * Code node turns into one item each.
 */
export type ItemSource = { items: IDataObject[] } | { webhook: { path: string; webhookId: string }; split?: boolean };

const SOURCE_NODE = 'CRM customers';

function code(jsCode: string): Node {
	return { id: 'b0000000-0000-4000-8000-000000000002', name: SOURCE_NODE, type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode } };
}

/** The source's nodes and links, the node the work is chained to, and the expression of an item's address there. */
function sourceOf(from: ItemSource): { nodes: Node[]; links: Array<[string, number, string]>; last: string; email: string } {
	if ('items' in from) {
		const trigger: Node = { id: 'b0000000-0000-4000-8000-000000000001', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
		const items = code(`return ${JSON.stringify(from.items.map((json) => ({ json })))};`);
		return { nodes: [trigger, items], links: [chain(trigger.name, SOURCE_NODE)], last: SOURCE_NODE, email: '={{ $json.email }}' };
	}
	const hook = webhookNode('b0000000-0000-4000-8000-000000000006', from.webhook.path, from.webhook.webhookId, [0, 0]) as unknown as Node;
	if (!from.split) return { nodes: [hook], links: [], last: hook.name, email: '={{ $json.body.email }}' };
	const split = code('return $input.first().json.body.customers.map((json) => ({ json }));');
	return { nodes: [hook, split], links: [chain(hook.name, SOURCE_NODE)], last: SOURCE_NODE, email: '={{ $json.email }}' };
}

function noOp(name: string, index: number): Node {
	return {
		id: `b0000000-0000-4000-8000-00000000010${index}`,
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [800, index * 150],
		parameters: {},
	};
}

function chain(from: string, to: string, output = 0): [string, number, string] {
	return [from, output, to];
}

function workflow(id: string, name: string, nodes: Node[], links: Array<[string, number, string]>): IDataObject {
	const connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	for (const [from, output, to] of links) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
	}
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

function statusRule(outputKey: string, status: number, messageContains?: string): IDataObject {
	const conditions: IDataObject[] = [
		{
			id: `${outputKey}-status`,
			leftValue: '={{ $json.statusCode }}',
			rightValue: status,
			operator: { type: 'number', operation: 'equals' },
		},
	];
	if (messageContains) {
		conditions.push({
			id: `${outputKey}-message`,
			leftValue: '={{ String($json.body?.message ?? "") }}',
			rightValue: messageContains,
			operator: { type: 'string', operation: 'contains' },
		});
	}
	return {
		conditions: {
			options: { caseSensitive: false, leftValue: '', typeValidation: 'loose', version: 2 },
			conditions,
			combinator: 'and',
		},
		renameOutput: true,
		outputKey,
	};
}

/**
 * HTTP Request (POST `{ email }` from `emailExpression`) → Switch on the status code →
 * Success / Already Activated / Not Found / Failed, fed by the node `from`.
 * Switch outputs: 0 Success, 1 Already Activated, 2 Not Found, 3 Fallback (= failed).
 */
function httpRequestAndSwitch(from: string, url: string, emailExpression: string, variant: HttpRequestVariant): { nodes: Node[]; links: Array<[string, number, string]> } {
	const options: IDataObject = {};
	if (variant.batch) options.batching = { batch: variant.batch };
	// The Switch routes on the status code: the full response always; without "Never Error" a 4xx/5xx answer is an error (what Retry On Fail retries).
	options.response = { response: { fullResponse: true, ...(variant.neverError ? { neverError: true } : {}) } };
	const http: Node = {
		id: 'b0000000-0000-4000-8000-000000000003',
		name: HTTP_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [400, 0],
		parameters: {
			method: 'POST',
			url: `${url}/iam/auth/renew_invitation`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			bodyParameters: { parameters: [{ name: 'email', value: emailExpression }] },
			options,
		},
		credentials: { httpHeaderAuth: HEADER_CREDENTIAL },
		...(variant.neverError ? {} : { retryOnFail: true }),
	};
	const router: Node = {
		id: 'b0000000-0000-4000-8000-000000000004',
		name: SWITCH_NODE,
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		position: [600, 0],
		parameters: {
			rules: {
				values: [
					statusRule('Success', 200),
					statusRule('Already Activated', 400, 'already activated'),
					statusRule('Not Found', 404),
				],
			},
			options: { fallbackOutput: 'extra' },
		},
	};
	const outs = OUTCOME_NODES.map(noOp);
	return {
		nodes: [http, router, ...outs],
		links: [chain(from, HTTP_NODE), chain(HTTP_NODE, SWITCH_NODE), ...outs.map((out, index) => chain(SWITCH_NODE, out.name, index))],
	};
}

/** The source → HTTP Request + Switch → the outcome nodes. */
export function httpRequestWorkflow(id: string, url: string, from: ItemSource, variant: HttpRequestVariant): IDataObject {
	const head = sourceOf(from);
	const tail = httpRequestAndSwitch(head.last, url, head.email, variant);
	return workflow(id, `Bench: HTTP Request + Switch (${id})`, [...head.nodes, ...tail.nodes], [...head.links, ...tail.links]);
}

/** The source → our node with "Continue (using error output)": outputs 0-2 the routes, 3 n8n's Error output. */
export function gcoreWorkflow(id: string, nodeType: string, from: ItemSource, options: IDataObject): IDataObject {
	const head = sourceOf(from);
	const gcore: Node = {
		id: 'b0000000-0000-4000-8000-000000000005',
		name: GCORE_NODE,
		type: nodeType,
		typeVersion: 1,
		position: [400, 0],
		parameters: { operation: 'resendInvitation', email: head.email, options },
		credentials: { gcoreIamApi: GCORE_CREDENTIAL },
		onError: 'continueErrorOutput',
	};
	const outs = OUTCOME_NODES.map(noOp);
	return workflow(id, `Bench: Gcore IAM (${id})`, [...head.nodes, gcore, ...outs], [
		...head.links,
		chain(head.last, GCORE_NODE),
		...outs.map((out, index) => chain(GCORE_NODE, out.name, index)),
	]);
}
