/**
 * Workflow builder for the Gcore IAM node's tests:
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
import { NodeConnectionTypes } from 'n8n-workflow';

import { PACKAGE_NAME } from './loadPackage';
import { TEST_ITEMS_TYPE, TEST_TOOL_CALLER_TYPE } from './testNodes';

export const GCORE_NODE_TYPE = `${PACKAGE_NAME}.gcoreIam`;
export const GCORE_TOOL_NODE_TYPE = `${GCORE_NODE_TYPE}Tool`;
export const GCORE_CREDENTIAL_TYPE = 'gcoreIamApi';
export const GCORE_NODE_NAME = 'Gcore IAM';
export const OUTPUT_NODE_NAMES = ['Success', 'Already Activated', 'Not Found'] as const;
export const ERROR_NODE_NAME = 'Error';
export const SOURCE_NODE_NAME = 'Customers';
export const AGENT_NODE_NAME = 'Agent';
/** What the tool variant's `email` parameter defaults to. */
export const FROM_AI_EMAIL = "={{ $fromAI('email', 'E-mail address of the customer to re-invite', 'string') }}";

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

function main(...targets: string[][]): IConnections[string] {
	return {
		[NodeConnectionTypes.Main]: targets.map((names) =>
			names.map((node) => ({ node, type: NodeConnectionTypes.Main, index: 0 })),
		),
	};
}

function noOp(name: string, y: number): INode {
	return { id: `noop-${name}`, name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [700, y], parameters: {} };
}

export function gcoreWorkflow(opts: GcoreWorkflowOptions): { nodes: INode[]; connections: IConnections } {
	const parameters: INodeParameters = { ...(opts.parameters as INodeParameters | undefined) };
	if (opts.asTool && parameters.email === undefined) parameters.email = FROM_AI_EMAIL;

	const gcore: INode = {
		id: 'gcore-iam',
		name: GCORE_NODE_NAME,
		type: opts.asTool ? GCORE_TOOL_NODE_TYPE : GCORE_NODE_TYPE,
		typeVersion: opts.typeVersion ?? 1,
		position: [400, 300],
		parameters,
		credentials: { [GCORE_CREDENTIAL_TYPE]: { id: '1', name: 'Gcore IAM account' } },
	};
	if (opts.onError !== undefined) gcore.onError = opts.onError;
	if (opts.retryOnFail !== undefined) gcore.retryOnFail = opts.retryOnFail;
	if (opts.maxTries !== undefined) gcore.maxTries = opts.maxTries;
	if (opts.waitBetweenTries !== undefined) gcore.waitBetweenTries = opts.waitBetweenTries;

	const source: INode = {
		id: 'customers',
		name: SOURCE_NODE_NAME,
		type: TEST_ITEMS_TYPE,
		typeVersion: 1,
		position: [100, 300],
		parameters: { items: opts.items as unknown as INodeParameters[] },
	};

	if (opts.asTool) {
		const agent: INode = {
			id: 'agent',
			name: AGENT_NODE_NAME,
			type: TEST_TOOL_CALLER_TYPE,
			typeVersion: 1,
			position: [400, 100],
			parameters: {},
		};
		return {
			nodes: [source, agent, gcore],
			connections: {
				[SOURCE_NODE_NAME]: main([AGENT_NODE_NAME]),
				[GCORE_NODE_NAME]: {
					[NodeConnectionTypes.AiTool]: [[{ node: AGENT_NODE_NAME, type: NodeConnectionTypes.AiTool, index: 0 }]],
				},
			},
		};
	}

	const outputs: string[][] = OUTPUT_NODE_NAMES.map((name) => [name]);
	const nodes = [source, gcore, ...OUTPUT_NODE_NAMES.map((name, i) => noOp(name, 100 + i * 200))];
	if (opts.onError === 'continueErrorOutput') {
		outputs.push([ERROR_NODE_NAME]);
		nodes.push(noOp(ERROR_NODE_NAME, 700));
	}
	return { nodes, connections: { [SOURCE_NODE_NAME]: main([GCORE_NODE_NAME]), [GCORE_NODE_NAME]: main(...outputs) } };
}
