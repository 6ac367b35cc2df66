/**
 * The Gcore IAM node's test workflows (harness/workflows/engine*.workflow.json), loaded for a run:
 *   "Customers" (test.items) → "Gcore IAM" ─┬─ output 0 → "Success"           (noOp)
 *                                           ├─ output 1 → "Already Activated" (noOp)
 *                                           ├─ output 2 → "Not Found"         (noOp)
 *                                           └─ Error output → "Error"  (only with continueErrorOutput)
 * With `asTool`, "Gcore IAM" is the `gcoreIamTool` variant connected over `ai_tool` to
 * "Agent" (test.toolCaller), which calls the tool once per item with the item's json as tool
 * arguments; `email` defaults to `$fromAI('email')`. Read the agent's view with `outputs('Agent')`
 * and the tool's runs with `runs('Gcore IAM')` / `outputs('Gcore IAM', 'ai_tool')`.
 */
import type { IConnections, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { loadWorkflow } from '../workflows/load';
import { PACKAGE_NAME } from './loadPackage';

export const GCORE_NODE_TYPE = `${PACKAGE_NAME}.gcoreIam`;
export const AGENT_NODE_NAME = 'Agent';

export interface GcoreWorkflowOptions {
	items: IDataObject[];
	parameters?: IDataObject;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	asTool?: boolean;
	/** Node typeVersion; default 1. */
	typeVersion?: number;
}

export function gcoreWorkflow(opts: GcoreWorkflowOptions): {
	nodes: INode[];
	connections: IConnections;
} {
	const { items, parameters, asTool, typeVersion = 1, ...settings } = opts;
	const shape = asTool
		? 'engineTool'
		: opts.onError === 'continueErrorOutput'
			? 'engineErrorOutput'
			: 'engine';
	const workflow = loadWorkflow<{ nodes: INode[]; connections: IConnections }>(shape, {
		type: asTool ? `${GCORE_NODE_TYPE}Tool` : GCORE_NODE_TYPE,
		typeVersion,
		credential: { id: '1', name: 'Gcore IAM account' },
		...settings,
	});
	for (const node of workflow.nodes) {
		if (node.name === 'Customers') node.parameters = { items: items as INodeParameters[] };
		// The given parameters replace the saved ones, but the tool's `email` defaults to the saved $fromAI().
		if (node.type.startsWith(GCORE_NODE_TYPE))
			node.parameters = {
				...(asTool && { email: node.parameters.email }),
				...parameters,
			} as INodeParameters;
	}
	return workflow;
}
