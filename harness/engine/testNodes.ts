/**
 * Test-only node types (not stand-ins for anything in n8n):
 * - `test.items` emits the items held in its `items` parameter, verbatim (no expression
 *   evaluation), so tests can feed arbitrary input: numbers, nulls, strings starting with "=".
 * - `test.toolCaller` plays the AI agent: it asks n8n-core for its connected `ai_tool`
 *   (real getInputConnectionData → createNodeAsTool path) and calls it once per input item
 *   with that item's json as the tool arguments, like an LLM that calls the tool once.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { jsonParse, NodeConnectionTypes } from 'n8n-workflow';

import { description } from './standInNodes';

export const TEST_ITEMS_TYPE = 'test.items';
export const TEST_TOOL_CALLER_TYPE = 'test.toolCaller';

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

	/**
	 * Output item i: `{ response }` (the string the agent would receive, `parsed`: it as JSON, or
	 * null) or `{ toolError }` (what the tool threw: the agent would show this to the LLM).
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (items.length === 0) return [[]];
		// Asked for once, as an agent gets its tools once per run (n8n-core 1.84 counts a tool's
		// run index per getInputConnectionData call, so asking per item would reuse run index 0).
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
