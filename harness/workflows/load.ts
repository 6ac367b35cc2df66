/** The workflow shapes as n8n saves them (`<name>.workflow.json` beside this file), our node set up in one place. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CREDENTIAL_TYPE } from '../ourPackage';
import type { WorkflowJson } from './workflowJson';

interface SavedNode {
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

/** What differs from the saved Gcore IAM node; a field left undefined stays as saved. */
export type GcoreNodeSettings = Partial<Omit<SavedNode, 'credentials'>> & {
	credential: { id: string; name: string };
	/** the node's Options, beside the saved parameters */
	options?: Record<string, unknown>;
};

function fileOf(name: string): string {
	return path.join(__dirname, `${name}.workflow.json`);
}

/** As saved (a shape without our node); `id` replaces the saved workflow id. */
export function readWorkflow<W extends { id?: string } = WorkflowJson>(
	name: string,
	id?: string,
): W {
	const wf = JSON.parse(fs.readFileSync(fileOf(name), 'utf8')) as W;
	if (id !== undefined) wf.id = id;
	return wf;
}

export function loadWorkflow<W extends { id?: string; nodes: object[] } = WorkflowJson>(
	name: string,
	gcore: GcoreNodeSettings,
	id?: string,
): W {
	const file = fileOf(name);
	const wf = readWorkflow<W>(name, id);
	const nodes = (wf.nodes as SavedNode[]).filter((n) => /\.gcoreIam(Tool)?$/.test(n.type));
	if (nodes.length !== 1) throw new Error(`${file}: ${nodes.length} Gcore IAM nodes, expected 1`);
	const [node] = nodes;
	const { credential, options, ...fields } = gcore;
	for (const [key, value] of Object.entries(fields))
		if (value !== undefined) Object.assign(node, { [key]: value });
	node.parameters = { ...node.parameters, ...(options && { options: { ...options } }) };
	node.credentials = { [CREDENTIAL_TYPE]: { ...credential } };
	return wf;
}
