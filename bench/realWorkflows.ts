/**
 * The bench's workflows for the real n8n, as saved in harness/workflows/bench*.workflow.json: the
 * CRM's items (a Manual Trigger and a Code node for `n8n execute`; a Webhook, one customer per
 * POST or a list split by a Code node, for `n8n start`) → our node, or what a user builds without
 * this package (HTTP Request + Switch on the status code) → the outcome nodes. Our node's
 * one-customer webhook workflow is the e2e's (harness/workflows/webhookWorkflow.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import { NODE_TYPE } from '../harness/ourPackage';
import { loadWorkflow, readWorkflow } from '../harness/workflows/load';
import { WEBHOOK_NODE, webhookWorkflow } from '../harness/workflows/webhookWorkflow';
import type { WorkflowJson } from '../harness/workflows/workflowJson';

export const HTTP_NODE = 'HTTP Request';
export const SWITCH_NODE = 'Switch';
export const HEADER_CREDENTIAL = { id: 'benchHeaderAuth', name: 'Gcore API key (header)' };
export const GCORE_CREDENTIAL = { id: 'benchGcoreIam', name: 'Gcore IAM account' };

export type BenchWorkflow = WorkflowJson & { id: string };

/** HTTP Request's settings: Batching (undefined: all items at once), and "Never Error" or else Retry On Fail. */
export interface HttpVariant {
	batch?: { batchSize: number; batchInterval: number };
	neverError: boolean;
}

/** Items in a Code node; or a Webhook at `path`, one customer per POST, or with `split` a `{ customers }` list. */
export type Source = { items: IDataObject[] } | { path: string; split?: boolean };

function fill(wf: WorkflowJson, id: string, from: Source): BenchWorkflow {
	const node = (name: string) => wf.nodes.find((n) => n.name === name)!;
	if ('items' in from)
		node('CRM customers').parameters.jsCode =
			`return ${JSON.stringify(from.items.map((json) => ({ json })))};`;
	else {
		node(WEBHOOK_NODE).parameters.path = from.path;
		node(WEBHOOK_NODE).webhookId =
			`b0b0b0b0-0000-4000-8000-${id.replace(/\W/g, '').slice(-12).padStart(12, '0')}`;
	}
	return { ...wf, id, name: `Bench: ${id}` };
}

const shape = (from: Source, worker: string) =>
	`bench${'items' in from ? 'Manual' : from.split ? 'WebhookSplit' : 'Webhook'}${worker}`;

/** Source → HTTP Request (full response) → Switch: 0 Success, 1 Already Activated, 2 Not Found, 3 failed. */
export function httpWorkflow(id: string, apiUrl: string, from: Source, variant: HttpVariant) {
	const wf = fill(readWorkflow(shape(from, 'Http'), id), id, from);
	const http = wf.nodes.find((n) => n.name === HTTP_NODE)!;
	http.parameters.url = `${apiUrl}/iam/auth/renew_invitation`;
	http.parameters.options = {
		...(variant.batch ? { batching: { batch: variant.batch } } : {}),
		response: { response: { fullResponse: true, ...(variant.neverError && { neverError: true }) } },
	};
	http.credentials = { httpHeaderAuth: { ...HEADER_CREDENTIAL } };
	if (!variant.neverError) http.retryOnFail = true;
	return wf;
}

/** Source → our node ("Continue (using error output)" as saved) → the outcome nodes; one customer per POST: the e2e's workflow. */
export function gcoreWorkflow(
	id: string,
	from: Source,
	options: IDataObject,
	credential = GCORE_CREDENTIAL,
): BenchWorkflow {
	if (!('items' in from) && !from.split)
		return { ...webhookWorkflow({ id, path: from.path, credential, options }), id };
	const settings = { type: NODE_TYPE, credential, options };
	return fill(loadWorkflow(shape(from, 'Gcore'), settings, id), id, from);
}
