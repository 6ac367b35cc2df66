/**
 * The AI-agent tool variant of a node, built the way n8n's CLI builds it (packages/cli
 * tool-generation `convertNodeToAiTool`): a node whose description has `usableAsTool: true` is
 * also offered as `<type>Tool`, a prototype-extension of the same node object (same `execute`)
 * whose description has no inputs, a single `ai_tool` output and a "Description" parameter first
 * (no `replacements`, no callouts: our nodes have none). An agent calls it through n8n-core's
 * `getInputConnectionData` → `createNodeAsTool`, which runs the node's `execute` with a
 * SupplyDataContext and hands only output 0 back to the agent.
 */
import type { INodeProperties, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export const TOOL_SUFFIX = 'Tool';

/** `nodeType` (one version of it) as an AI-agent tool; the original object is not modified. */
export function toToolVariant(nodeType: INodeType): INodeType {
	const { usableAsTool, ...base } = nodeType.description;
	if (!usableAsTool || nodeType.supplyData)
		throw new Error(`Node type "${base.name}" cannot be used as a tool (no usableAsTool)`);
	const describe: INodeProperties = {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: base.description,
		required: true,
		typeOptions: { rows: 2 },
		description:
			'Explain to the LLM what this tool does, a good, specific description would allow LLMs to produce expected results much more often',
	};
	const added: INodeProperties[] = [describe];
	if (base.properties.some(({ name }) => name === 'resource' || name === 'operation')) {
		describe.displayOptions = { show: { descriptionType: ['manual'] } };
		added.unshift({
			displayName: 'Tool Description',
			name: 'descriptionType',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Set Automatically',
					value: 'auto',
					description: 'Automatically set based on resource and operation',
				},
				{ name: 'Set Manually', value: 'manual', description: 'Manually set the description' },
			],
			default: 'auto',
		});
	}
	const description = {
		...base,
		name: `${base.name}${TOOL_SUFFIX}`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		properties: [...added, ...base.properties],
	};
	return Object.create(nodeType, { description: { value: description } }) as INodeType;
}
