/**
 * The harness itself, where no test/node suite already leans on it: the stand-ins, the Gcore
 * credential and the tool path are exercised by test/node (typeVersion1, routing, credential,
 * tool); this pins what those do not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IExecuteFunctions, INode, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	engineDiffers,
	harnessTypes,
	harnessUserFolder,
	loadPackage,
	PackageNotBuiltError,
	registerNodeType,
	runWorkflow,
	TEST_ITEMS_TYPE,
} from '../../harness/engine';

const node = (name: string, type: string, parameters: INode['parameters'] = {}): INode => ({
	id: name,
	name,
	type,
	typeVersion: 1,
	position: [0, 0],
	parameters,
});
const to = (next: string) => ({
	main: [[{ node: next, type: NodeConnectionTypes.Main, index: 0 }]],
});

/** Echoes its `value` parameter per item; required; tool-capable with two outputs. */
class Echo implements INodeType {
	description: INodeType['description'] = {
		name: 'test.echo',
		displayName: 'test.echo',
		group: ['transform'],
		version: 1,
		description: 'test-only',
		defaults: { name: 'Echo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Value', name: 'value', type: 'string', default: '', required: true },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out = this.getInputData().map((_item, i) => ({
			json: { value: this.getNodeParameter('value', i) as string },
			pairedItem: { item: i },
		}));
		return [out, []];
	}
}

beforeAll(async () => await registerNodeType(new Echo()));

test('test.items emits its items verbatim; the caller’s workflow is not modified; n8n writes into the harness folder', async () => {
	const odd = [{ email: 42 }, { email: null }, { email: '={{ 1 + 1 }}' }, { email: ['a@b.c'] }];
	const nodes = [node('Items', TEST_ITEMS_TYPE, { items: odd })];
	const before = JSON.stringify(nodes);
	const result = await runWorkflow({ nodes, connections: {} }, { executionId: 'exec-42' });
	expect(result.outputs('Items')[0].map((item) => item.json)).toEqual(odd);
	expect(result.executionId).toBe('exec-42');
	expect(result.outputs('Not there')).toEqual([]);
	expect(JSON.stringify(nodes)).toBe(before);
	expect(process.env.N8N_USER_FOLDER).toBe(harnessUserFolder);
	expect(harnessUserFolder.startsWith(tmpdir())).toBe(true);
});

test('a node error stops the run and is returned as error', async () => {
	const result = await runWorkflow({
		nodes: [
			node('Items', TEST_ITEMS_TYPE, { items: [{ n: 1 }, { n: 2 }, { n: 3 }] }),
			node('Code', 'n8n-nodes-base.code', {
				jsCode: "throw new Error('boom at ' + items.length);",
			}),
			node('NoOp', 'n8n-nodes-base.noOp'),
		],
		connections: { Items: to('Code'), Code: to('NoOp') },
	});
	expect(result.run.status).toBe(engineDiffers.reportsFailedStatus ? 'error' : 'running');
	expect(result.error?.message).toBe('boom at 3');
	expect((result.error as { node?: { name: string } } | undefined)?.node?.name).toBe('Code');
	expect(result.runs('NoOp')).toEqual([]);
});

test('a required parameter left empty (not an expression) stops the run before it starts', async () => {
	await expect(
		runWorkflow({ nodes: [node('Echo', 'test.echo', { value: '' })], connections: {} }),
	).rejects.toThrow(/issues/i);
	const ok = await runWorkflow({
		nodes: [node('Echo', 'test.echo', { value: '={{ "" }}' })],
		connections: {},
	});
	expect(ok.outputs('Echo')[0][0].json.value).toBe('');
});

test('`<type>Tool` is the node converted as n8n converts it: no inputs, one ai_tool output, a Description parameter', async () => {
	const { nodeTypes } = await harnessTypes();
	const tool = nodeTypes.getByNameAndVersion('test.echoTool', 1);
	const base = nodeTypes.getByNameAndVersion('test.echo', 1);
	expect(tool.description).toMatchObject({
		name: 'test.echoTool',
		displayName: 'test.echo Tool',
		inputs: [],
		outputs: ['ai_tool'],
	});
	expect(tool.description.usableAsTool).toBeUndefined();
	expect(tool.description.properties.map((property) => property.name)).toEqual([
		'toolDescription',
		'value',
	]);
	expect(tool.execute).toBe(base.execute);
	expect(base.description.outputs).toHaveLength(2);
	expect(() => nodeTypes.getByNameAndVersion('n8n-nodes-base.noOpTool', 1)).toThrow(
		/Unknown node type/,
	);
});

test('loadPackage: a package whose dist is missing gives a clear error', async () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'harness-pkg-'));
	try {
		writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: 'n8n-nodes-x', n8n: { nodes: ['dist/nodes/X/X.node.js'] } }),
		);
		const loading = loadPackage(dir);
		await expect(loading).rejects.toBeInstanceOf(PackageNotBuiltError);
		await expect(loading).rejects.toThrow(
			/dist\/nodes\/X\/X\.node\.js missing\. Run `npm run build`/,
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
