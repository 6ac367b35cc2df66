/**
 * Workflows for the real n8n (scenario 3): Manual Trigger → Code (the CRM items) → either
 * what a user builds without this package (HTTP Request + Switch on the status code) or our
 * node; and for the burst, a Webhook (one customer per POST) → HTTP Request + Switch (our node's
 * webhook workflow is the e2e's). Node types and parameters as n8n 2.41's editor saves them.
 */
import type { IDataObject } from 'n8n-workflow';

import { BRANCHES, webhookNode } from '../e2e/scenarios/webhook';

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

const trigger: Node = {
	id: 'b0000000-0000-4000-8000-000000000001',
	name: 'Manual',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function source(items: IDataObject[]): Node {
	return {
		id: 'b0000000-0000-4000-8000-000000000002',
		name: 'CRM customers',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` },
	};
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

/** Manual Trigger → Code (the CRM items) → HTTP Request + Switch. */
export function httpRequestWorkflow(id: string, url: string, items: IDataObject[], variant: HttpRequestVariant): IDataObject {
	const tail = httpRequestAndSwitch('CRM customers', url, '={{ $json.email }}', variant);
	return workflow(id, `Bench: HTTP Request + Switch (${id})`, [trigger, source(items), ...tail.nodes], [chain(trigger.name, 'CRM customers'), ...tail.links]);
}

/** A CRM's Webhook (one customer per POST, body `{ email }`) → HTTP Request + Switch; production URL <base>/webhook/<path>. */
export function httpRequestWebhookWorkflow(id: string, path: string, webhookId: string, url: string, variant: HttpRequestVariant): IDataObject {
	const hook = webhookNode('b0000000-0000-4000-8000-000000000006', path, webhookId, [200, 0]) as unknown as Node;
	const tail = httpRequestAndSwitch(hook.name, url, '={{ $json.body.email }}', variant);
	return workflow(id, `Bench: webhook → HTTP Request + Switch (${id})`, [hook, ...tail.nodes], tail.links);
}

/** Our node with "Continue (using error output)": outputs 0-2 the routes, 3 n8n's Error output. */
export function gcoreWorkflow(id: string, nodeType: string, items: IDataObject[], options: IDataObject): IDataObject {
	const gcore: Node = {
		id: 'b0000000-0000-4000-8000-000000000005',
		name: GCORE_NODE,
		type: nodeType,
		typeVersion: 1,
		position: [400, 0],
		parameters: { operation: 'resendInvitation', email: '={{ $json.email }}', options },
		credentials: { gcoreIamApi: GCORE_CREDENTIAL },
		onError: 'continueErrorOutput',
	};
	const outs = OUTCOME_NODES.map(noOp);
	return workflow(id, `Bench: Gcore IAM (${id})`, [trigger, source(items), gcore, ...outs], [
		chain(trigger.name, 'CRM customers'),
		chain('CRM customers', GCORE_NODE),
		...outs.map((out, index) => chain(GCORE_NODE, out.name, index)),
	]);
}
