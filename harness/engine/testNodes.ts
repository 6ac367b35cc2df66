// Test-only node types: `test.items` emits its `items` verbatim (no expressions: tests feed strings
// starting with "="); `test.toolCaller` plays the AI agent, calling its `ai_tool` once per item.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { jsonParse, NodeConnectionTypes } from 'n8n-workflow';

import { description } from './standInNodes';

const TEST_ITEMS_TYPE = 'test.items';
const TEST_TOOL_CALLER_TYPE = 'test.toolCaller';

export class TestItems implements INodeType {
	description = description({
		name: TEST_ITEMS_TYPE,
		displayName: 'Test Items',
		version: 1,
		inputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getNodeParameter('items', 0, [], { rawExpressions: true }) as IDataObject[];
		return [items.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}

export class TestToolCaller implements INodeType {
	description = description({
		name: TEST_TOOL_CALLER_TYPE,
		displayName: 'Agent',
		version: 1,
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true, maxConnections: 1 },
		],
		properties: [],
	});

	/** Item i: `{ response, parsed }` (parsed: the JSON or null) or `{ toolError }`. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (items.length === 0) return [[]];
		// Once, as an agent does (n8n-core 1.84 numbers a tool's runs per call of this).
		const tool = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as {
			name: string;
			invoke(args: IDataObject): Promise<unknown>;
		};
		const output: INodeExecutionData[] = [];
		for (const [i, item] of items.entries()) {
			let json: IDataObject;
			try {
				const response = await tool.invoke(item.json);
				json = { tool: tool.name, response: response as string };
				if (typeof response === 'string')
					json.parsed = jsonParse(response, { fallbackValue: null });
			} catch (error) {
				json = { tool: tool.name, toolError: (error as Error).message };
			}
			output.push({ json, pairedItem: { item: i } });
		}
		return [output];
	}
}

export const testNodeTypes: INodeType[] = [new TestItems(), new TestToolCaller()];
