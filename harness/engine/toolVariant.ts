/**
 * The AI-agent tool variant of a node, built the way n8n's CLI builds it (packages/cli
 * tool-generation `convertNodeToAiTool` + NodeTypes.getByNameAndVersion): a node whose
 * description has `usableAsTool` is also offered as `<type>Tool`, a prototype-extension of
 * the same node object (same `execute`) whose description has no inputs, a single `ai_tool`
 * output and an extra "Description" parameter. An agent calls it through n8n-core's
 * `getInputConnectionData` → `createNodeAsTool`, which runs the node's `execute` with a
 * SupplyDataContext and hands only output 0 back to the agent.
 */
import type { INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export const TOOL_SUFFIX = 'Tool';

export function canBeTool(nodeType: INodeType): boolean {
	return Boolean(nodeType.description.usableAsTool) && typeof nodeType.supplyData !== 'function';
}

function lastCalloutIndex(properties: INodeProperties[]): number {
	for (let i = properties.length - 1; i >= 0; i--) {
		if (properties[i].type === 'callout') return i;
	}
	return -1;
}

function toolDescription(base: INodeTypeDescription): INodeTypeDescription {
	const usable = base.usableAsTool;
	const replacements = typeof usable === 'object' ? (usable.replacements ?? {}) : {};
	const description: INodeTypeDescription = {
		...base,
		...replacements,
		name: `${base.name}${TOOL_SUFFIX}`,
		displayName: `${replacements.displayName ?? base.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		properties: [...base.properties],
	};
	delete description.usableAsTool;

	const { properties } = description;
	if (!properties.some((property) => property.name === 'toolDescription')) {
		const hasResourceOrOperation = properties.some(
			(property) => property.name === 'resource' || property.name === 'operation',
		);
		const descriptionProperty: INodeProperties = {
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			default: description.description,
			required: true,
			typeOptions: { rows: 2 },
			description:
				'Explain to the LLM what this tool does, a good, specific description would allow LLMs to produce expected results much more often',
		};
		const at = lastCalloutIndex(properties) + 1;
		properties.splice(at, 0, descriptionProperty);
		if (hasResourceOrOperation) {
			descriptionProperty.displayOptions = { show: { descriptionType: ['manual'] } };
			properties.splice(at, 0, {
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
	}
	return description;
}

/** `nodeType` (one version of it) as an AI-agent tool; the original object is not modified. */
export function toToolVariant(nodeType: INodeType): INodeType {
	if (!canBeTool(nodeType)) {
		throw new Error(
			`Node type "${nodeType.description.name}" cannot be used as a tool (no usableAsTool)`,
		);
	}
	return Object.create(nodeType, {
		description: { value: toolDescription(nodeType.description) },
	}) as INodeType;
}
