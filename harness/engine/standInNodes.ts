/**
 * STAND-INS for the few n8n-nodes-base nodes our tests and demo workflows use.
 * Why: n8n-nodes-base is not installed (it is part of n8n itself, hundreds of MB); these
 * reproduce only the behaviour our workflows rely on, under the real type names, so the
 * example workflow runs unchanged in the harness. Test and demo use only, never shipped.
 */
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

/**
 * n8n-nodes-base.code, "Run Once for All Items" JavaScript only (its mode and language are not
 * read): `jsCode` runs as the body of an async function that sees `items` / `$input.all()` /
 * `$input.first()` and returns items or plain objects. No other $-helpers, no sandbox.
 */
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
