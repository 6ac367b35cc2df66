/** The example workflow from examples/ and the simulator credential, ready for `n8n import:*`. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CREDENTIAL_TYPE, REPO } from '../ourPackage';

const EXAMPLE_WORKFLOW = path.join(REPO, 'examples', 'gcore-iam-onboarding.workflow.json');
export const EXAMPLE_WORKFLOW_ID = 'gcoreIamExample1';
export const CREDENTIAL_ID = 'gcoreIamSimCred1';
export const CREDENTIAL_NAME = 'Gcore IAM account (simulator)';
export const INPUT_NODE = 'New CRM customers';

interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[k: string]: unknown;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	>;
	[k: string]: unknown;
}

/** The example with this workflow id, its gcoreIamApi references on the simulator credential. */
export function loadExampleWorkflow(id = EXAMPLE_WORKFLOW_ID): WorkflowJson {
	const wf = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW, 'utf8')) as WorkflowJson;
	wf.id = id;
	let refs = 0;
	for (const node of wf.nodes) {
		if (node.credentials?.[CREDENTIAL_TYPE]) {
			node.credentials[CREDENTIAL_TYPE] = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME };
			refs++;
		}
	}
	if (!refs)
		throw new Error(`${EXAMPLE_WORKFLOW} has no node using a ${CREDENTIAL_TYPE} credential`);
	return wf;
}

export function credentialJson(id: string, name: string, apiKey: string, baseUrl: string): unknown {
	return { id, name, type: CREDENTIAL_TYPE, data: { apiKey, baseUrl } };
}

export function targetsOf(wf: WorkflowJson, nodeName: string): string[][] {
	return (wf.connections[nodeName]?.main ?? []).map((o) => o.map((t) => t.node));
}
