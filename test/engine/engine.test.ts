/**
 * The harness itself, where no test/node suite already leans on it: the stand-ins, the Gcore
 * credential and the tool path are exercised by test/node (typeVersion1, routing, credential,
 * tool); this pins what those do not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { INode } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	engineDiffers,
	GCORE_NODE_TYPE,
	gcoreWorkflow,
	harnessTypes,
	harnessUserFolder,
	loadPackage,
	PackageNotBuiltError,
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
	const workflow = (email: string) => gcoreWorkflow({ items: [{}], parameters: { email } });
	await expect(runWorkflow(workflow(''))).rejects.toThrow(/issues/i);
	const ok = await runWorkflow(workflow('={{ "" }}'));
	expect(ok.runs('Gcore IAM')).toHaveLength(1);
});

test('`<type>Tool` is the node converted as n8n converts it: no inputs, one ai_tool output, a Description parameter', async () => {
	const { nodeTypes } = await harnessTypes();
	const tool = nodeTypes.getByNameAndVersion(`${GCORE_NODE_TYPE}Tool`, 1);
	const base = nodeTypes.getByNameAndVersion(GCORE_NODE_TYPE, 1);
	expect(tool.description).toMatchObject({
		name: 'gcoreIamTool',
		displayName: 'Gcore IAM Tool',
		inputs: [],
		outputs: ['ai_tool'],
	});
	expect(tool.description.usableAsTool).toBeUndefined();
	expect(tool.description.properties.map((property) => property.name)).toEqual([
		'descriptionType',
		'toolDescription',
		...base.description.properties.map((property) => property.name),
	]);
	expect(tool.execute).toBe(base.execute);
	expect(base.description.outputs).toHaveLength(3);
	expect(() => nodeTypes.getByNameAndVersion('n8n-nodes-base.noOpTool', 1)).toThrow(
		/cannot be used as a tool/,
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
