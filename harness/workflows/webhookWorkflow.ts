/** The CRM integration (Webhook → [Code] → Gcore IAM → branches), and a POST to it. */
import { loadWorkflow } from './load';
import { CREDENTIAL_ID, CREDENTIAL_NAME, type WorkflowJson } from './workflowJson';

export const WEBHOOK_NODE = 'CRM webhook';
const CODE_NODE = 'CRM export';

export interface WebhookWorkflow {
	id: string;
	path: string;
	options?: Record<string, unknown>;
	/** a Code node before Gcore IAM (its items carry `email`); without it the POST body does */
	codeBefore?: string;
	/** default: the simulator credential the e2e imports */
	credential?: { id: string; name: string };
	/** default webhookCode with `codeBefore`, else webhook */
	shape?: 'webhook' | 'webhookCode' | 'webhookRemoveDuplicates';
}

/** Node ids and webhookId (saved for id "00000000") made from `id`. */
export function webhookWorkflow(spec: WebhookWorkflow): WorkflowJson {
	const prefix = spec.id
		.replace(/[^0-9a-f]/gi, '')
		.padEnd(8, '0')
		.slice(0, 8);
	const wf = loadWorkflow(
		spec.shape ?? (spec.codeBefore ? 'webhookCode' : 'webhook'),
		{
			credential: spec.credential ?? { id: CREDENTIAL_ID, name: CREDENTIAL_NAME },
			options: spec.options ?? {},
		},
		spec.id,
	);
	wf.name = `e2e: webhook ${spec.path}`;
	for (const node of wf.nodes) {
		node.id = prefix + node.id.slice(8);
		if (node.name === WEBHOOK_NODE) {
			node.parameters.path = spec.path;
			node.webhookId = prefix + String(node.webhookId).slice(8);
		}
		if (node.name === CODE_NODE) node.parameters.jsCode = spec.codeBefore;
	}
	return wf;
}

export async function post(url: string, body: unknown): Promise<number> {
	return (await postForAnswer(url, body)).status;
}

/** With n8n's answer: only "Workflow was started" says it started the workflow (not so during start-up). */
export async function postForAnswer(
	url: string,
	body: unknown,
): Promise<{ status: number; text: string }> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: res.status, text: await res.text() };
}

/** A Code node: one item per customer of the body's `customers`. */
export const SPLIT_EXPORT =
	'return ($input.first().json.body.customers ?? []).map((c) => ({ json: c }));';
