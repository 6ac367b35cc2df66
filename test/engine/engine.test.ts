/** The harness itself, where test/node (stand-ins, credential, tool path) does not lean on it. */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
	engineDiffers,
	GCORE_NODE_TYPE,
	gcoreWorkflow,
	harnessTypes,
	harnessUserFolder,
	loadPackage,
	PackageNotBuiltError,
	runWorkflow,
} from '../../harness/engine';
import type { WorkflowDefinition } from '../../harness/engine';

test('test.items emits its items verbatim; a node error stops the run and is returned as error; n8n writes into the harness folder', async () => {
	const file = path.join(__dirname, 'fixtures', 'codeError.workflow.json');
	const definition = JSON.parse(readFileSync(file, 'utf8')) as WorkflowDefinition;
	const result = await runWorkflow(definition, { executionId: 'exec-42' });
	expect(result.outputs('Items')[0].map((item) => item.json)).toEqual(
		definition.nodes[0].parameters.items,
	);
	expect(result.executionId).toBe('exec-42');
	expect(result.outputs('Not there')).toEqual([]);
	expect(result.run.status).toBe(engineDiffers.reportsFailedStatus ? 'error' : 'running');
	expect(result.error?.message).toBe('boom at 4');
	expect((result.error as { node?: { name: string } } | undefined)?.node?.name).toBe('Code');
	expect(result.runs('NoOp')).toEqual([]);
	expect(process.env.N8N_USER_FOLDER).toBe(harnessUserFolder);
	expect(harnessUserFolder.startsWith(tmpdir())).toBe(true);
});

test('a required parameter left empty (not an expression) stops the run before it starts; the caller’s workflow is not modified (n8n writes defaults into nodes)', async () => {
	const workflow = (email: string) => gcoreWorkflow({ items: [{}], parameters: { email } });
	await expect(runWorkflow(workflow(''))).rejects.toThrow(/issues/i);
	const definition = workflow('={{ "" }}');
	const before = JSON.stringify(definition);
	expect((await runWorkflow(definition)).runs('Gcore IAM')).toHaveLength(1);
	expect(JSON.stringify(definition)).toBe(before);
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
	const loading = loadPackage(path.join(__dirname, 'fixtures', 'unbuilt'));
	await expect(loading).rejects.toBeInstanceOf(PackageNotBuiltError);
	await expect(loading).rejects.toThrow(
		/dist\/nodes\/X\/X\.node\.js missing\. Run `npm run build`/,
	);
});
