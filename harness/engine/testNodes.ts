/**
 * Test-only node types (not stand-ins for anything in n8n):
 * - `test.items` emits the items held in its `items` parameter, verbatim (no expression
 *   evaluation), so tests can feed arbitrary input: numbers, nulls, strings starting with "=".
 * - `test.toolCaller` plays the AI agent: it asks n8n-core for its connected `ai_tool`
 *   (real getInputConnectionData → createNodeAsTool path) and calls it once per input item
 *   with that item's json as the tool arguments, like an LLM that calls the tool once.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { jsonParse, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export const TEST_ITEMS_TYPE = 'test.items';
export const TEST_TOOL_CALLER_TYPE = 'test.toolCaller';

export class TestItems implements INodeType {
	description: INodeTypeDescription = {
		name: TEST_ITEMS_TYPE,
		displayName: 'Test Items',
		group: ['input'],
		version: 1,
		description: 'Emits the items of its parameter (test harness only)',
		defaults: { name: 'Test Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0, [], { rawExpressions: true }) as unknown;
		const items = typeof raw === 'string' ? jsonParse<unknown>(raw) : raw;
		if (!Array.isArray(items)) {
			throw new NodeOperationError(
				this.getNode(),
				'test.items: the "items" parameter must be an array',
			);
		}
		return [items.map((json: IDataObject) => ({ json, pairedItem: { item: 0 } }))];
	}
}

function parseJson(text: string): IDataObject | IDataObject[] | undefined {
	try {
		return jsonParse<IDataObject | IDataObject[]>(text);
	} catch {
		return undefined;
	}
}

interface CallableTool {
	name: string;
	invoke(args: IDataObject): Promise<unknown>;
}

function isCallableTool(value: unknown): value is CallableTool {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as CallableTool).name === 'string' &&
		typeof (value as CallableTool).invoke === 'function'
	);
}

export class TestToolCaller implements INodeType {
	description: INodeTypeDescription = {
		name: TEST_TOOL_CALLER_TYPE,
		displayName: 'Test Tool Caller',
		group: ['transform'],
		version: 1,
		description: 'Calls its connected AI tool once per item (test harness stand-in for an agent)',
		defaults: { name: 'Agent' },
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true, maxConnections: 1 },
		],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	/**
	 * Output item i: `{ response }` (the string the agent would receive, `parsed` when it is
	 * JSON) or `{ toolError }` (what the tool threw: the agent would show this to the LLM).
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		// Asked for once, as an agent gets its tools once per run (n8n-core 1.84 counts a tool's
		// run index per getInputConnectionData call, so asking per item would reuse run index 0).
		const tool =
			items.length > 0
				? await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)
				: undefined;
		if (items.length > 0 && !isCallableTool(tool)) {
			throw new NodeOperationError(
				this.getNode(),
				'test.toolCaller: the connected node did not supply a tool',
			);
		}
		for (let i = 0; i < items.length; i++) {
			if (!isCallableTool(tool)) break;
			let json: IDataObject;
			try {
				const response = await tool.invoke(items[i].json);
				json = { tool: tool.name, response: response as string };
				if (typeof response === 'string') json.parsed = parseJson(response);
			} catch (error) {
				json = {
					tool: tool.name,
					toolError: error instanceof Error ? error.message : String(error),
				};
			}
			output.push({ json, pairedItem: { item: i } });
		}
		return [output];
	}
}

export const testNodeTypes: INodeType[] = [new TestItems(), new TestToolCaller()];
