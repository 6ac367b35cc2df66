/**
 * The workflow shapes, saved as n8n saves them (`<name>.workflow.json` beside this file), and the one
 * place that fills in what differs between uses, all on the Gcore IAM node: its type (the package's
 * name as installed, the tool variant), typeVersion, credential, parameters or just Options, On Error
 * and Retry On Fail. Shapes without our node (the bench's HTTP Request + Switch peers) are read as
 * saved; their user fills in the rest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CREDENTIAL_TYPE } from '../ourPackage';
import type { WorkflowJson } from './workflowJson';

interface SavedNode {
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	/** n8n's On Error; saved: "Stop Workflow" */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** n8n's Retry On Fail and its settings; saved: off */
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

/** What differs from the saved Gcore IAM node; a field left undefined stays as saved. */
export type GcoreNodeSettings = Partial<Omit<SavedNode, 'credentials'>> & {
	credential: { id: string; name: string };
	/** the node's Options (Concurrency, Max Retries, ...), kept beside the other parameters */
	options?: Record<string, unknown>;
};

function isGcoreNode(node: SavedNode): boolean {
	return /\.gcoreIam(Tool)?$/.test(node.type);
}

function fileOf(name: string): string {
	return path.join(__dirname, `${name}.workflow.json`);
}

/** `<name>.workflow.json` as saved, for a shape without our node (the bench's HTTP Request peers); `id` replaces the saved workflow id. */
export function readWorkflow<W extends { id?: string } = WorkflowJson>(
	name: string,
	id?: string,
): W {
	const wf = JSON.parse(fs.readFileSync(fileOf(name), 'utf8')) as W;
	if (id !== undefined) wf.id = id;
	return wf;
}

/** `<name>.workflow.json` with its Gcore IAM node set up; `id` replaces the saved workflow id. */
export function loadWorkflow<W extends { id?: string; nodes: object[] } = WorkflowJson>(
	name: string,
	gcore: GcoreNodeSettings,
	id?: string,
): W {
	const file = fileOf(name);
	const wf = readWorkflow<W>(name, id);
	const nodes = (wf.nodes as SavedNode[]).filter(isGcoreNode);
	if (nodes.length !== 1) throw new Error(`${file}: ${nodes.length} Gcore IAM nodes, expected 1`);
	const [node] = nodes;
	const { credential, options, ...fields } = gcore;
	for (const [key, value] of Object.entries(fields))
		if (value !== undefined) Object.assign(node, { [key]: value });
	node.parameters = { ...node.parameters, ...(options && { options: { ...options } }) };
	node.credentials = { [CREDENTIAL_TYPE]: { ...credential } };
	return wf;
}
