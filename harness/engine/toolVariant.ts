// A `usableAsTool` node's `<type>Tool` variant as n8n's CLI builds it (`convertNodeToAiTool`): the
// same object (same `execute`), no inputs, one `ai_tool` output, a "Description" parameter first.
import type { INodeProperties, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export const TOOL_SUFFIX = 'Tool';

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
