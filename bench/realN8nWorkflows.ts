/**
 * The bench's workflows for the real n8n, saved as n8n saves them in harness/workflows/bench*.workflow.json:
 * the CRM's items (ItemSource) → either what a user builds without this package (HTTP Request +
 * Switch on the status code) or our node → the outcome nodes. For `n8n execute` the items come
 * from a Manual Trigger and a Code node; on `n8n start` from a Webhook, one customer per POST (the
 * burst; our node's burst workflow is the e2e's) or a list of them split by a Code node (memory,
 * store cost). Filled in here: the workflow id, the items or the webhook, the API's URL, HTTP
 * Request's batching and error handling; our node through the harness's loader.
 */
import type { IDataObject } from 'n8n-workflow';

import { loadWorkflow, readWorkflow } from '../harness/workflows/load';
import { WEBHOOK_NODE } from '../harness/workflows/webhookWorkflow';
import type { WorkflowJson, WorkflowNode } from '../harness/workflows/workflowJson';

export const HTTP_NODE = 'HTTP Request';
export const SWITCH_NODE = 'Switch';
export const HEADER_CREDENTIAL = { id: 'benchHeaderAuth', name: 'Gcore API key (header)' };
export const GCORE_CREDENTIAL = { id: 'benchGcoreIam', name: 'Gcore IAM account' };

/** A workflow ready for `n8n import:workflow`. */
export type BenchWorkflow = WorkflowJson & { id: string };

export interface HttpRequestVariant {
	/** HTTP Request's Batching option; undefined = the editor's default (all items at once). */
	batch?: { batchSize: number; batchInterval: number };
	/** "Never Error" (true), or the node's Retry On Fail instead (false); "Include Response Headers and Status" either way. */
	neverError: boolean;
}

/**
 * Where the items come from: a Manual Trigger and a Code node returning `items`; or a Webhook,
 * its POST body one customer `{ email }`, or with `split` a list `{ customers: [...] }` that a
 * Code node turns into one item each.
 */
export type ItemSource =
	| { items: IDataObject[] }
	| { webhook: { path: string; webhookId: string }; split?: boolean };

const SOURCE_NODE = 'CRM customers';

/** The saved shape: bench<Manual|Webhook|WebhookSplit><Http|Gcore>.workflow.json. */
function shapeOf(from: ItemSource, worker: 'Http' | 'Gcore'): string {
	const source = 'items' in from ? 'Manual' : from.split ? 'WebhookSplit' : 'Webhook';
	return `bench${source}${worker}`;
}

function nodeNamed(wf: WorkflowJson, name: string): WorkflowNode {
	const node = wf.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`workflow ${wf.name}: no node "${name}"`);
	return node;
}

function fillSource(wf: WorkflowJson, from: ItemSource): void {
	if ('items' in from) {
		nodeNamed(wf, SOURCE_NODE).parameters.jsCode =
			`return ${JSON.stringify(from.items.map((json) => ({ json })))};`;
		return;
	}
	const hook = nodeNamed(wf, WEBHOOK_NODE);
	hook.parameters.path = from.webhook.path;
	hook.webhookId = from.webhook.webhookId;
}

/**
 * The source → HTTP Request (POST `{ email }`) → Switch on the status code → Success / Already
 * Activated / Not Found / Failed. Switch outputs: 0 Success, 1 Already Activated, 2 Not Found,
 * 3 Fallback (= failed).
 */
export function httpRequestWorkflow(
	id: string,
	url: string,
	from: ItemSource,
	variant: HttpRequestVariant,
): BenchWorkflow {
	const wf = readWorkflow(shapeOf(from, 'Http'), id);
	wf.name = `Bench: HTTP Request + Switch (${id})`;
	fillSource(wf, from);
	const http = nodeNamed(wf, HTTP_NODE);
	const options: IDataObject = {};
	if (variant.batch) options.batching = { batch: variant.batch };
	// The Switch routes on the status code: the full response always; without "Never Error" a 4xx/5xx answer is an error (what Retry On Fail retries).
	options.response = {
		response: { fullResponse: true, ...(variant.neverError ? { neverError: true } : {}) },
	};
	http.parameters.url = `${url}/iam/auth/renew_invitation`;
	http.parameters.options = options;
	http.credentials = { httpHeaderAuth: { ...HEADER_CREDENTIAL } };
	if (!variant.neverError) http.retryOnFail = true;
	return { ...wf, id };
}

/** The source → our node with "Continue (using error output)": outputs 0-2 the routes, 3 n8n's Error output. */
export function benchGcoreWorkflow(
	id: string,
	nodeType: string,
	from: ItemSource,
	options: IDataObject,
): BenchWorkflow {
	const wf = loadWorkflow(
		shapeOf(from, 'Gcore'),
		{ type: nodeType, credential: GCORE_CREDENTIAL, options },
		id,
	);
	wf.name = `Bench: Gcore IAM (${id})`;
	fillSource(wf, from);
	return { ...wf, id };
}
