// The Gcore IAM node's test workflows (harness/workflows/engine*.workflow.json) with these items and
// node settings. `asTool`: `gcoreIamTool` under "Agent" (test.toolCaller), called once per item.
import type { IConnections, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { loadWorkflow, type GcoreNodeSettings } from '../workflows/load';
import { PACKAGE_NAME } from './loadPackage';

export const GCORE_NODE_TYPE = `${PACKAGE_NAME}.gcoreIam`;
export const AGENT_NODE_NAME = 'Agent';

export interface GcoreWorkflowOptions extends Pick<
	GcoreNodeSettings,
	'onError' | 'retryOnFail' | 'maxTries' | 'waitBetweenTries' | 'typeVersion'
> {
	items: IDataObject[];
	parameters?: IDataObject;
	asTool?: boolean;
	/** Another copy of the package's node (a second n8n process's), `GCORE_NODE_TYPE` by default. */
	nodeType?: string;
}

export function gcoreWorkflow(opts: GcoreWorkflowOptions): {
	nodes: INode[];
	connections: IConnections;
} {
	const {
		items,
		parameters,
		asTool,
		typeVersion = 1,
		nodeType = GCORE_NODE_TYPE,
		...settings
	} = opts;
	const shape = asTool
		? 'engineTool'
		: opts.onError === 'continueErrorOutput'
			? 'engineErrorOutput'
			: 'engine';
	const workflow = loadWorkflow<{ nodes: INode[]; connections: IConnections }>(shape, {
		type: asTool ? `${nodeType}Tool` : nodeType,
		typeVersion,
		credential: { id: '1', name: 'Gcore IAM account' },
		...settings,
	});
	for (const node of workflow.nodes) {
		if (node.name === 'Customers') node.parameters = { items: items as INodeParameters[] };
		// The given parameters replace the saved ones, but the tool's `email` defaults to the saved $fromAI().
		if (node.type.startsWith(nodeType))
			node.parameters = {
				...(asTool && { email: node.parameters.email }),
				...parameters,
			} as INodeParameters;
	}
	return workflow;
}
