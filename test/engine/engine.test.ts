/**
 * The harness itself, without the Gcore node: workflows run through n8n-core's real
 * WorkflowExecute, with the stand-in and test-only nodes and a test-only credential.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type {
	ICredentialType,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeOperationError,
} from 'n8n-workflow';
import { NodeConnectionTypes, sleep } from 'n8n-workflow';

import {
	engineDiffers,
	harnessTypes,
	harnessUserFolder,
	loadPackage,
	PackageNotBuiltError,
	registerCredentialType,
	registerNodeType,
	runWorkflow,
	testCredential,
	TEST_ITEMS_TYPE,
	TEST_TOOL_CALLER_TYPE,
} from '../../harness/engine';
import type { HttpFixture } from './httpFixture';
import { startHttpFixture } from './httpFixture';

function node(
	name: string,
	type: string,
	parameters: INode['parameters'] = {},
	extra: Partial<INode> = {},
): INode {
	return { id: name, name, type, typeVersion: 1, position: [0, 0], parameters, ...extra };
}

function chain(...names: string[]) {
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	> = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = {
			main: [[{ node: names[i + 1], type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}
	return connections;
}

function describeNode(
	name: string,
	extra: Partial<INodeTypeDescription> = {},
): INodeTypeDescription {
	return {
		name,
		displayName: name,
		group: ['transform'],
		version: 1,
		description: 'test-only',
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

/** Outputs the `value` parameter, evaluated for each item. */
class EchoParam implements INodeType {
	description = describeNode('test.echoParam', {
		properties: [{ displayName: 'Value', name: 'value', type: 'string', default: '' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((_item, i) => ({
				json: { value: this.getNodeParameter('value', i) as string },
				pairedItem: { item: i },
			})),
		];
	}
}

/** EchoParam with a required parameter. */
class RequiredParam extends EchoParam {
	description = describeNode('test.requiredParam', {
		properties: [
			{ displayName: 'Value', name: 'value', type: 'string', default: '', required: true },
		],
	});
}

const cancellation: { started?: () => void; signalAborted?: boolean } = {};

/** Waits up to 30 s for n8n's execution cancel signal (n8n-workflow 1.x's sleep takes no signal). */
class WaitForCancel implements INodeType {
	description = describeNode('test.waitForCancel');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const signal = this.getExecutionCancelSignal();
		cancellation.started?.();
		const aborted = new Promise<void>((resolve) =>
			signal?.addEventListener('abort', () => resolve(), { once: true }),
		);
		for (let waited = 0; waited < 30_000 && !signal?.aborted; waited += 100) {
			await Promise.race([sleep(100), aborted]);
		}
		cancellation.signalAborted = signal?.aborted;
		return [this.getInputData()];
	}
}

const echoCredential: ICredentialType = {
	name: 'harnessEchoApi',
	displayName: 'Harness Echo API',
	properties: [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' },
		{ displayName: 'Tenant', name: 'tenant', type: 'string', default: 'tenant-default' },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: { Authorization: "={{ 'apikey ' + $credentials.apiKey }}" },
			qs: { tenant: '={{ $credentials.tenant }}' },
		},
	},
	test: {
		request: { baseURL: "={{ $credentials.baseUrl.replace(/\\/$/, '') }}", url: '/iam/clients/me' },
	},
};

/** POSTs each item's email through httpRequestWithAuthentication and outputs the answer. */
class EchoAuth implements INodeType {
	description = describeNode('test.echoAuth', {
		credentials: [{ name: 'harnessEchoApi', required: true }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials('harnessEchoApi');
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				'harnessEchoApi',
				{
					method: 'POST',
					url: `${credentials.baseUrl as string}/echo`,
					body: { email: item.json.email },
					json: true,
					returnFullResponse: true,
				},
			)) as { statusCode: number; body: unknown };
			out.push({
				json: { statusCode: response.statusCode, body: response.body as string },
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

const greeterCalls: Array<{ type: string; input: unknown }> = [];

/** Tool-capable node with two outputs: greets on 0, refuses on 1. */
class Greeter implements INodeType {
	description = describeNode('test.greeter', {
		usableAsTool: true,
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Greeted', 'Refused'],
		properties: [
			{ displayName: 'Email', name: 'email', type: 'string', default: '={{ $json.email }}' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const greeted: INodeExecutionData[] = [];
		const refused: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			greeterCalls.push({ type: this.getNode().type, input: item.json });
			const email = this.getNodeParameter('email', i) as string;
			(email.startsWith('no') ? refused : greeted).push({
				json: { greeting: `hi ${email}` },
				pairedItem: { item: i },
			});
		}
		return [greeted, refused];
	}
}

let fixture: HttpFixture;

beforeAll(async () => {
	await registerNodeType(new EchoParam());
	await registerNodeType(new RequiredParam());
	await registerNodeType(new WaitForCancel());
	await registerNodeType(new EchoAuth());
	await registerNodeType(new Greeter());
	await registerCredentialType(echoCredential);
	fixture = await startHttpFixture();
});

afterAll(async () => {
	await fixture.close();
});

beforeEach(() => {
	fixture.requests.length = 0;
});

const items = [{ n: 1 }, { n: 2 }, { n: 3 }];

describe('runWorkflow', () => {
	test('test.items → Code stand-in → NoOp: outputs come back with pairedItem', async () => {
		const result = await runWorkflow({
			nodes: [
				node('Items', TEST_ITEMS_TYPE, { items }),
				node('Code', 'n8n-nodes-base.code', {
					jsCode:
						'return items.map((item) => ({ json: { n: item.json.n, doubled: item.json.n * 2 } }));',
				}),
				node('NoOp', 'n8n-nodes-base.noOp'),
			],
			connections: chain('Items', 'Code', 'NoOp'),
		});

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.nodeExecutionOrder).toEqual(['Items', 'Code', 'NoOp']);
		expect(result.outputs('Items')[0].map((item) => item.json)).toEqual(items);
		const [noOpOut] = result.outputs('NoOp');
		expect(noOpOut.map((item) => item.json)).toEqual([
			{ n: 1, doubled: 2 },
			{ n: 2, doubled: 4 },
			{ n: 3, doubled: 6 },
		]);
		expect(noOpOut.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.runs('Code')).toHaveLength(1);
		expect(result.outputs('Not there')).toEqual([]);
	});

	test('test.items emits its items verbatim: non-strings and "=" strings are not touched', async () => {
		const odd = [{ email: 42 }, { email: null }, { email: '={{ 1 + 1 }}' }, { email: ['a@b.c'] }];
		const result = await runWorkflow({
			nodes: [node('Items', TEST_ITEMS_TYPE, { items: odd })],
			connections: {},
		});
		expect(result.outputs('Items')[0].map((item) => item.json)).toEqual(odd);
	});

	test('an expression in a parameter is evaluated per item', async () => {
		const result = await runWorkflow({
			nodes: [
				node('Items', TEST_ITEMS_TYPE, { items }),
				node('Echo', 'test.echoParam', { value: '={{ "n=" + $json.n * 10 }}' }),
			],
			connections: chain('Items', 'Echo'),
		});
		expect(result.outputs('Echo')[0].map((item) => item.json.value)).toEqual([
			'n=10',
			'n=20',
			'n=30',
		]);
	});

	test('manual trigger stand-in starts the workflow with one empty item', async () => {
		const result = await runWorkflow({
			nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('NoOp', 'n8n-nodes-base.noOp')],
			connections: chain('Start', 'NoOp'),
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs('NoOp')).toEqual([[{ json: {}, pairedItem: { item: 0 } }]]);
	});

	test('a node error stops the run and is returned as error', async () => {
		const result = await runWorkflow({
			nodes: [
				node('Items', TEST_ITEMS_TYPE, { items }),
				node('Code', 'n8n-nodes-base.code', {
					jsCode: "throw new Error('boom at ' + items.length);",
				}),
				node('NoOp', 'n8n-nodes-base.noOp'),
			],
			connections: chain('Items', 'Code', 'NoOp'),
		});
		expect(result.run.status).toBe(engineDiffers.reportsFailedStatus ? 'error' : 'running');
		expect(result.error?.message).toBe('boom at 3');
		expect((result.error as NodeOperationError | undefined)?.node?.name).toBe('Code');
		expect(result.runs('Code')[0].error?.message).toBe('boom at 3');
		expect(result.runs('NoOp')).toEqual([]);
	});

	test('the execution id is settable per run and reaches $execution.id', async () => {
		const result = await runWorkflow(
			{
				nodes: [node('Echo', 'test.echoParam', { value: '={{ $execution.id }}' })],
				connections: {},
			},
			{ executionId: 'exec-42' },
		);
		expect(result.executionId).toBe('exec-42');
		expect(result.outputs('Echo')[0][0].json.value).toBe('exec-42');
		const other = await runWorkflow({
			nodes: [node('Echo', 'test.echoParam', { value: '={{ $execution.id }}' })],
			connections: {},
		});
		expect(other.outputs('Echo')[0][0].json.value).not.toBe('exec-42');
	});

	test('aborting the signal cancels the execution and aborts getExecutionCancelSignal() in the node', async () => {
		const started = new Promise<void>((resolve) => {
			cancellation.started = resolve;
		});
		const controller = new AbortController();
		const t0 = Date.now();
		const running = runWorkflow(
			{
				nodes: [node('Wait', 'test.waitForCancel'), node('After', 'n8n-nodes-base.noOp')],
				connections: chain('Wait', 'After'),
			},
			{ signal: controller.signal },
		);
		await started;
		controller.abort();
		const result = await running;

		expect(Date.now() - t0).toBeLessThan(5_000);
		expect(cancellation.signalAborted).toBe(true);
		expect(result.run.status).toBe('canceled');
		expect(result.runs('After')).toEqual([]);
	});

	test('a signal that is already aborted cancels before any node finishes', async () => {
		const controller = new AbortController();
		controller.abort();
		const result = await runWorkflow(
			{
				nodes: [node('Items', TEST_ITEMS_TYPE, { items }), node('NoOp', 'n8n-nodes-base.noOp')],
				connections: chain('Items', 'NoOp'),
			},
			{ signal: controller.signal },
		);
		expect(result.run.status).toBe('canceled');
		expect(result.runs('NoOp')).toEqual([]);
	});

	test('a required parameter left empty (not an expression) stops the run before it starts', async () => {
		await expect(
			runWorkflow({ nodes: [node('Echo', 'test.requiredParam', { value: '' })], connections: {} }),
		).rejects.toThrow(/issues/i);
		const ok = await runWorkflow({
			nodes: [node('Echo', 'test.requiredParam', { value: '={{ "" }}' })],
			connections: {},
		});
		expect(ok.outputs('Echo')[0][0].json.value).toBe('');
	});

	test('the caller’s workflow object is not modified', async () => {
		const nodes = [node('Items', TEST_ITEMS_TYPE, { items }), node('NoOp', 'n8n-nodes-base.noOp')];
		const before = JSON.stringify(nodes);
		await runWorkflow({ nodes, connections: chain('Items', 'NoOp') });
		expect(JSON.stringify(nodes)).toBe(before);
	});

	test('n8n writes its config into the harness folder, not ~/.n8n', () => {
		expect(process.env.N8N_USER_FOLDER).toBe(harnessUserFolder);
		expect(harnessUserFolder.startsWith(tmpdir())).toBe(true);
	});
});

describe('credentials', () => {
	const workflow = (email: string) => ({
		nodes: [
			node('Items', TEST_ITEMS_TYPE, { items: [{ email }] }),
			node(
				'Call',
				'test.echoAuth',
				{},
				{ credentials: { harnessEchoApi: { id: '1', name: 'Echo account' } } },
			),
		],
		connections: chain('Items', 'Call'),
	});

	test('httpRequestWithAuthentication applies the generic authenticate with $credentials and type defaults', async () => {
		fixture.setHandler((_request, res) =>
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
		);
		const apiKey = 'abc$def_ghi';
		const result = await runWorkflow(workflow('a@example.com'), {
			credentials: { harnessEchoApi: { apiKey, baseUrl: fixture.baseUrl } },
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs('Call')[0][0].json).toEqual({ statusCode: 200, body: { ok: true } });
		expect(fixture.requests).toHaveLength(1);
		const [request] = fixture.requests;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('/echo?tenant=tenant-default');
		expect(request.headers.authorization).toBe(`apikey ${apiKey}`);
		expect(JSON.parse(request.body)).toEqual({ email: 'a@example.com' });
	});

	test('a credential the run was not given fails the node with a clear message', async () => {
		const result = await runWorkflow(workflow('a@example.com'));
		expect(result.run.status).toBe(engineDiffers.reportsFailedStatus ? 'error' : 'running');
		expect(result.error?.message).toMatch(/does not exist for type "harnessEchoApi"/);
	});

	test('the credential test request runs through RoutingNode against the server', async () => {
		fixture.setHandler((request, res) => {
			const ok = request.headers.authorization === 'apikey good-key';
			res
				.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
				.end(ok ? '{"id":1}' : '{"message":"no"}');
		});

		await expect(
			testCredential('harnessEchoApi', { apiKey: 'good-key', baseUrl: `${fixture.baseUrl}/` }),
		).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(fixture.requests[0]).toMatchObject({
			method: 'GET',
			url: '/iam/clients/me?tenant=tenant-default',
		});

		const bad = await testCredential('harnessEchoApi', {
			apiKey: 'bad-key',
			baseUrl: fixture.baseUrl,
		});
		expect(bad.status).toBe('Error');
	});
});

describe('tool mode', () => {
	test('`<type>Tool` is the node converted as n8n converts it: no inputs, one ai_tool output, a Description parameter', async () => {
		const { nodeTypes } = await harnessTypes();
		const tool = nodeTypes.getByNameAndVersion('test.greeterTool', 1);
		const base = nodeTypes.getByNameAndVersion('test.greeter', 1);
		expect(tool.description).toMatchObject({
			name: 'test.greeterTool',
			displayName: 'test.greeter Tool',
			inputs: [],
			outputs: ['ai_tool'],
		});
		expect(tool.description.usableAsTool).toBeUndefined();
		expect(tool.description.properties.map((property) => property.name)).toEqual([
			'toolDescription',
			'email',
		]);
		expect(tool.execute).toBe(base.execute);
		expect(base.description.outputs).toHaveLength(2);
		expect(() => nodeTypes.getByNameAndVersion('test.echoParamTool', 1)).toThrow(
			/Unknown node type/,
		);
	});

	test('a usableAsTool node runs as `<type>Tool` through n8n-core’s tool path; the agent sees only output 0', async () => {
		greeterCalls.length = 0;
		const result = await runWorkflow({
			nodes: [
				node('Items', TEST_ITEMS_TYPE, {
					items: [{ email: 'ann@example.com' }, { email: 'nobody@example.com' }],
				}),
				node('Agent', TEST_TOOL_CALLER_TYPE),
				node('Greeter', 'test.greeterTool', {
					email: "={{ $fromAI('email', 'who to greet', 'string') }}",
				}),
			],
			connections: {
				...chain('Items', 'Agent'),
				Greeter: {
					[NodeConnectionTypes.AiTool]: [
						[{ node: 'Agent', type: NodeConnectionTypes.AiTool, index: 0 }],
					],
				},
			},
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs('Agent')[0].map((item) => item.json.parsed)).toEqual([
			[{ greeting: 'hi ann@example.com' }],
			[],
		]);
		expect(greeterCalls).toEqual([
			{ type: 'test.greeterTool', input: { email: 'ann@example.com' } },
			{ type: 'test.greeterTool', input: { email: 'nobody@example.com' } },
		]);
		// Each tool call is one run of the tool node, recorded on its ai_tool connection.
		expect(result.runs('Greeter')).toHaveLength(2);
		expect(result.outputs('Greeter', NodeConnectionTypes.AiTool)).toEqual([
			[{ json: { response: [] } }],
		]);
	});
});

describe('loadPackage', () => {
	test('a package whose dist is missing gives a clear error', async () => {
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
});
