// Stand-ins, under the real type names, for the n8n-nodes-base nodes our workflows use
// (n8n-nodes-base is part of n8n, hundreds of MB): only the behaviour the workflows rely on.
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

/** A harness node's description: these fields, the rest defaulted. */
export function description(
	fields: Pick<INodeTypeDescription, 'name' | 'displayName' | 'version' | 'inputs' | 'properties'> &
		Partial<INodeTypeDescription>,
): INodeTypeDescription {
	return {
		group: ['transform'],
		description: `Test harness only: ${fields.name}`,
		defaults: { name: fields.displayName },
		outputs: [NodeConnectionTypes.Main],
		...fields,
	};
}

/** n8n-nodes-base.manualTrigger: starts the workflow with one empty item. */
export class ManualTriggerStandIn implements INodeType {
	description = description({
		name: 'n8n-nodes-base.manualTrigger',
		displayName: 'When clicking ‘Execute workflow’',
		group: ['trigger'],
		version: 1,
		inputs: [],
		properties: [],
	});

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return {
			manualTriggerFunction: async () => {
				this.emit([this.helpers.returnJsonArray([{}])]);
			},
		};
	}
}

/** n8n-nodes-base.noOp: passes its input items through unchanged. */
export class NoOpStandIn implements INodeType {
	description = description({
		name: 'n8n-nodes-base.noOp',
		displayName: 'No Operation, do nothing',
		version: 1,
		inputs: [NodeConnectionTypes.Main],
		properties: [],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

type CodeFunction = (items: INodeExecutionData[], $input: object) => Promise<unknown>;

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
	...args: string[]
) => CodeFunction;

/** n8n-nodes-base.code, JavaScript "Run Once for All Items": `items`, `$input.all()/first()`, no sandbox. */
export class CodeStandIn implements INodeType {
	description = description({
		name: 'n8n-nodes-base.code',
		displayName: 'Code',
		version: [1, 2],
		inputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'JavaScript',
				name: 'jsCode',
				type: 'string',
				default: 'return $input.all();',
			},
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const jsCode = this.getNodeParameter('jsCode', 0, '', { rawExpressions: true }) as string;
		const items = this.getInputData();
		const $input = { all: () => items, first: () => items[0] };
		let result: unknown;
		try {
			result = await new AsyncFunction('items', '$input', jsCode)(items, $input);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), error as Error);
		}
		const list = result === undefined || result === null ? [] : [result].flat();
		return [this.helpers.normalizeItems(list as INodeExecutionData[])];
	}
}

export const standInNodeTypes: INodeType[] = [
	new ManualTriggerStandIn(),
	new NoOpStandIn(),
	new CodeStandIn(),
];
