/**
 * The workflow shapes, saved as n8n saves them (`<name>.workflow.json` beside this file), and the one
 * place that fills in what differs between uses: on the Gcore IAM node its type (the package's name
 * as installed, or the tool variant), typeVersion, credential, Options, On Error and Retry On Fail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CREDENTIAL_TYPE } from '../ourPackage';
import type { WorkflowJson, WorkflowNode } from './workflowJson';

export interface GcoreNodeSettings {
	credential: { id: string; name: string };
	/** default: as saved, the package installed as a community package (`n8n-nodes-gcore-iam.gcoreIam`) */
	type?: string;
	typeVersion?: number;
	/** the node's Options (Concurrency, Max Retries, ...); default none */
	options?: Record<string, unknown>;
	/** n8n's On Error; default "Stop Workflow" (not saved) */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** n8n's Retry On Fail; default off */
	retryOnFail?: { maxTries: number; waitBetweenTries: number };
}

function isGcoreNode(node: WorkflowNode): boolean {
	return /\.gcoreIam(Tool)?$/.test(node.type);
}

/** `<name>.workflow.json` with its Gcore IAM node set up; `id` replaces the saved workflow id. */
export function loadWorkflow(name: string, gcore: GcoreNodeSettings, id?: string): WorkflowJson {
	const file = path.join(__dirname, `${name}.workflow.json`);
	const wf = JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson;
	if (id !== undefined) wf.id = id;
	const nodes = wf.nodes.filter(isGcoreNode);
	if (nodes.length !== 1) throw new Error(`${file}: ${nodes.length} Gcore IAM nodes, expected 1`);
	const [node] = nodes;
	if (gcore.type !== undefined) node.type = gcore.type;
	if (gcore.typeVersion !== undefined) node.typeVersion = gcore.typeVersion;
	node.parameters = { ...node.parameters, options: { ...(gcore.options ?? {}) } };
	node.credentials = { [CREDENTIAL_TYPE]: { ...gcore.credential } };
	if (gcore.onError !== undefined) node.onError = gcore.onError;
	if (gcore.retryOnFail) Object.assign(node, { retryOnFail: true, ...gcore.retryOnFail });
	return wf;
}
