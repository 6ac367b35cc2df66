// The bench's workflows for the real n8n (harness/workflows/bench*.workflow.json): the CRM's items →
// our node, or HTTP Request + Switch on the status code → the outcome nodes. Our node's webhook one is the e2e's.
import type { IDataObject } from 'n8n-workflow';

import { NODE_TYPE } from '../harness/ourPackage';
import { loadWorkflow, readWorkflow } from '../harness/workflows/load';
import { WEBHOOK_NODE, webhookWorkflow } from '../harness/workflows/webhookWorkflow';
import type { WorkflowJson } from '../harness/workflows/workflowJson';
import { RENEW_PATH } from '../simulator';

export const HTTP_NODE = 'HTTP Request';
export const SWITCH_NODE = 'Switch';
export const HEADER_CREDENTIAL = { id: 'benchHeaderAuth', name: 'Gcore API key (header)' };
export const GCORE_CREDENTIAL = { id: 'benchGcoreIam', name: 'Gcore IAM account' };

export type BenchWorkflow = WorkflowJson & { id: string };

/** Our node with these Options (and an account of its own), or HTTP Request + Switch: Batching (default: all items at once), and "Never Error" (as saved) or else Retry On Fail. */
export type Contender =
	| { ours: IDataObject; credential?: { id: string; name: string } }
	| { batch?: { batchSize: number; batchInterval: number }; neverError: boolean };

/** Items in a Code node; or a Webhook at hookPath(id), one customer per POST, or a `{ customers }` list a Code node splits. */
export type Source = IDataObject[] | 'webhook' | 'webhookSplit';

export const hookPath = (id: string) => id.toLowerCase();

export function benchWorkflow(id: string, apiUrl: string, from: Source, how: Contender) {
	const shape = `bench${Array.isArray(from) ? 'Manual' : from === 'webhook' ? 'Webhook' : 'WebhookSplit'}`;
	let wf: BenchWorkflow;
	if ('ours' in how) {
		const gcore = { credential: how.credential ?? GCORE_CREDENTIAL, options: how.ours };
		if (from === 'webhook') return { ...webhookWorkflow({ id, path: hookPath(id), ...gcore }), id };
		wf = loadWorkflow<BenchWorkflow>(`${shape}Gcore`, { type: NODE_TYPE, ...gcore }, id);
	} else wf = readWorkflow<BenchWorkflow>(`${shape}Http`, id);
	const node = (name: string) => wf.nodes.find((n) => n.name === name)!;
	if (Array.isArray(from))
		node('CRM customers').parameters.jsCode =
			`return ${JSON.stringify(from.map((json) => ({ json })))};`;
	else {
		node(WEBHOOK_NODE).parameters.path = hookPath(id);
		node(WEBHOOK_NODE).webhookId =
			`b0b0b0b0-0000-4000-8000-${id.replace(/\W/g, '').slice(-12).padStart(12, '0')}`;
	}
	if ('neverError' in how) {
		const http = node(HTTP_NODE);
		http.parameters.url = `${apiUrl}${RENEW_PATH}`;
		const response = { fullResponse: true, ...(how.neverError && { neverError: true }) };
		const batching = how.batch && { batching: { batch: how.batch } };
		http.parameters.options = { ...batching, response: { response } };
		if (!how.neverError) http.retryOnFail = true;
	}
	return { ...wf, id, name: `Bench: ${id}` };
}
