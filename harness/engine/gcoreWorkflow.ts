/**
 * The Gcore IAM node's test workflows (harness/workflows/engine*.workflow.json), loaded for a run:
 *   "Customers" (test.items) → "Gcore IAM" ─┬─ output 0 → "Success"           (noOp)
 *                                           ├─ output 1 → "Already Activated" (noOp)
 *                                           ├─ output 2 → "Not Found"         (noOp)
 *                                           └─ Error output → "Error"  (only with continueErrorOutput)
 * With `asTool`, "Gcore IAM" is the `gcoreIamTool` variant connected over `ai_tool` to
 * "Agent" (test.toolCaller), which gets the items and calls the tool once per item with the
 * item's json as tool arguments; `email` defaults to `$fromAI('email')`. Read the agent's view
 * with `outputs('Agent')` and the tool's runs with `runs('Gcore IAM')` / `outputs('Gcore IAM', 'ai_tool')`.
 */
import type { IConnections, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { loadWorkflow } from '../workflows/load';
import { PACKAGE_NAME } from './loadPackage';

export const GCORE_NODE_TYPE = `${PACKAGE_NAME}.gcoreIam`;
export const GCORE_TOOL_NODE_TYPE = `${GCORE_NODE_TYPE}Tool`;
export const GCORE_CREDENTIAL_TYPE = 'gcoreIamApi';
export const ERROR_NODE_NAME = 'Error';
export const SOURCE_NODE_NAME = 'Customers';
export const AGENT_NODE_NAME = 'Agent';
/** What the tool variant's `email` parameter defaults to. */
export const FROM_AI_EMAIL =
	"={{ $fromAI('email', 'E-mail address of the customer to re-invite', 'string') }}";

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
	const parameters: INodeParameters = { ...(opts.parameters as INodeParameters | undefined) };
	if (opts.asTool && parameters.email === undefined) parameters.email = FROM_AI_EMAIL;

	const shape = opts.asTool
		? 'engineTool'
		: opts.onError === 'continueErrorOutput'
			? 'engineErrorOutput'
			: 'engine';
	const { nodes, connections } = loadWorkflow<{ nodes: INode[]; connections: IConnections }>(
		shape,
		{
			type: opts.asTool ? GCORE_TOOL_NODE_TYPE : GCORE_NODE_TYPE,
			typeVersion: opts.typeVersion ?? 1,
			credential: { id: '1', name: 'Gcore IAM account' },
			parameters,
			onError: opts.onError,
			retryOnFail: opts.retryOnFail,
			maxTries: opts.maxTries,
			waitBetweenTries: opts.waitBetweenTries,
		},
	);
	const source = nodes.find((node) => node.name === SOURCE_NODE_NAME);
	if (!source) throw new Error(`${shape}.workflow.json has no node "${SOURCE_NODE_NAME}"`);
	source.parameters = { items: opts.items as unknown as INodeParameters[] };
	return { nodes, connections };
}
