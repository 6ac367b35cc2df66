/**
 * What n8n-core does around a node, on each engine line (see engineLine.ts for where they differ), pinned through the harness with a probe node: the
 * Gcore node's error handling, retries and cancellation rely on these. If an n8n upgrade
 * changes one, this file says which.
 */
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeConnectionType,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	engineDiffers,
	registerCredentialType,
	registerNodeType,
	runWorkflow,
	TEST_ITEMS_TYPE,
	TEST_TOOL_CALLER_TYPE,
} from '../../harness/engine';
import type { HttpFixture } from './httpFixture';
import { startHttpFixture } from './httpFixture';

type ProbeFn = (context: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

const probe: {
	fn: ProbeFn;
	calls: Array<{ executionId: string; runIndex: number; items: number }>;
} = {
	fn: async (context) => [context.getInputData(), [], []],
	calls: [],
};

class Probe implements INodeType {
	description: INodeTypeDescription = {
		name: 'test.probe',
		displayName: 'Probe',
		group: ['transform'],
		version: 1,
		description: 'test-only',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['A', 'B', 'C'],
		credentials: [{ name: 'harnessProbeApi', required: true }],
		usableAsTool: true,
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// IExecuteFunctions has no getRunIndex() in 2.41: the data proxy's $thisRunIndex is it.
		const runIndex = this.getWorkflowDataProxy(0).$thisRunIndex;
		probe.calls.push({
			executionId: this.getExecutionId(),
			runIndex,
			items: this.getInputData().length,
		});
		return await probe.fn(this);
	}
}

const probeCredential: ICredentialType = {
	name: 'harnessProbeApi',
	displayName: 'Harness Probe API',
	properties: [{ displayName: 'API Key', name: 'apiKey', type: 'string', default: '' }],
	authenticate: {
		type: 'generic',
		properties: { headers: { Authorization: '={{ "apikey " + $credentials.apiKey }}' } },
	},
};

function workflow(
	probeNode: Partial<INode> = {},
	items: IDataObject[] = [{ email: 'a@x.io' }, { email: 'b@x.io' }],
) {
	const nodes: INode[] = [
		{
			id: 'i',
			name: 'Items',
			type: TEST_ITEMS_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: items as never },
		},
		{
			id: 'p',
			name: 'Probe',
			type: 'test.probe',
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
			credentials: { harnessProbeApi: { id: '1', name: 'probe' } },
			...probeNode,
		},
		...['A', 'B', 'C', 'Err'].map(
			(name, i): INode => ({
				id: name,
				name,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [400, i * 100],
				parameters: {},
			}),
		),
	];
	const to = (node: string) => [{ node, type: NodeConnectionTypes.Main, index: 0 }];
	return {
		nodes,
		connections: {
			Items: { main: [to('Probe')] },
			Probe: { main: [to('A'), to('B'), to('C'), to('Err')] },
		},
	};
}

const credentials = { harnessProbeApi: { apiKey: 'k-123' } };

function errorSummary(error: unknown): IDataObject {
	const e = error as NodeApiError & {
		code?: string;
		cause?: { code?: string; name?: string; message?: string };
	};
	return {
		class: e.constructor.name,
		isNodeApiError: e instanceof NodeApiError,
		message: e.message,
		description: e.description ?? null,
		httpCode: e.httpCode ?? null,
		code: e.code ?? null,
		causeName: e.cause?.name ?? null,
		causeCode: e.cause?.code ?? null,
		causeMessage: e.cause?.message ?? null,
	};
}

/** Runs one request from the probe and returns what it threw (or answered). */
async function probeRequest(
	options: IHttpRequestOptions,
	withAuth = true,
	signalAfterStart?: AbortController,
) {
	let outcome: IDataObject = {};
	probe.fn = async (context) => {
		try {
			const requestOptions = { ...options };
			const response: unknown = withAuth
				? await context.helpers.httpRequestWithAuthentication.call(
						context,
						'harnessProbeApi',
						requestOptions,
					)
				: await context.helpers.httpRequest(requestOptions);
			outcome = { response: response as IDataObject };
		} catch (error) {
			outcome = errorSummary(error);
		}
		return [context.getInputData(), [], []];
	};
	const started = fixture.requests.length;
	const running = runWorkflow(workflow({}, [{}]), {
		credentials,
		signal: signalAfterStart?.signal,
	});
	if (signalAfterStart) {
		for (let waited = 0; fixture.requests.length === started && waited < 5000; waited += 5) {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		signalAfterStart.abort();
	}
	const result = await running;
	if (process.env.PROBE_DEBUG) console.log(JSON.stringify(outcome, null, 1));
	return { outcome, result, requests: fixture.requests.length - started };
}

let fixture: HttpFixture;

beforeAll(async () => {
	await registerNodeType(new Probe());
	await registerCredentialType(probeCredential);
	fixture = await startHttpFixture();
});

afterAll(async () => {
	await fixture.close();
});

beforeEach(() => {
	probe.calls.length = 0;
	probe.fn = async (context) => [context.getInputData(), [], []];
});

const continueRetry: Partial<INode> = {
	retryOnFail: true,
	maxTries: 3,
	waitBetweenTries: 1,
	onError: 'continueErrorOutput',
};

describe('Retry On Fail', () => {
	test('re-runs the whole node with all items, same execution id and run index, at most 5 tries; the last error stops; one run recorded', async () => {
		probe.fn = async (context) => {
			throw new NodeOperationError(context.getNode(), `try ${probe.calls.length}`);
		};
		const result = await runWorkflow(
			workflow({ retryOnFail: true, maxTries: 9, waitBetweenTries: 1 }),
			{ credentials, executionId: 'exec-retry' },
		);
		expect(probe.calls).toEqual(
			Array(5).fill({ executionId: 'exec-retry', runIndex: 0, items: 2 }),
		);
		expect(result.error?.message).toBe('try 5');
		expect(result.runs('Probe')).toHaveLength(1);
	});

	test('under a continue mode it retries only when output 0, item 0 has json.error, before the Error output is split off', async () => {
		probe.fn = async (context) => {
			const b = context.getInputData()[1];
			return [
				[{ json: { error: 'failed a' }, pairedItem: { item: 0 } }],
				[{ ...b, pairedItem: { item: 1 } }],
				[],
			];
		};
		const result = await runWorkflow(workflow(continueRetry), { credentials });
		expect(probe.calls).toHaveLength(3);
		const outputs = result.outputs('Probe');
		expect(outputs).toHaveLength(4);
		expect(outputs[0]).toEqual([]);
		expect(outputs[1].map((item) => item.json)).toEqual([{ email: 'b@x.io' }]);
		// Moved to the appended Error output, merged with the paired input item's json.
		expect(outputs[3].map((item) => item.json)).toEqual([{ email: 'a@x.io', error: 'failed a' }]);

		probe.calls.length = 0;
		probe.fn = async (context) => {
			const [a] = context.getInputData();
			const failed = { json: { error: 'failed b' }, pairedItem: { item: 1 } };
			return [[{ ...a, pairedItem: { item: 0 } }, failed], [], []];
		};
		await runWorkflow(workflow(continueRetry), { credentials });
		expect(probe.calls).toHaveLength(1);
	});

	test('under a continue mode, when a retry succeeds: n8n-core 1.84 still runs every try and keeps the first run’s output', async () => {
		probe.fn = async (context) => {
			const [a, b] = context.getInputData();
			const first = probe.calls.length === 1;
			return [
				first
					? [{ json: { error: 'failed a' }, pairedItem: { item: 0 } }]
					: [{ ...a, pairedItem: { item: 0 } }],
				[{ ...b, pairedItem: { item: 1 } }],
				[],
			];
		};
		const result = await runWorkflow(workflow(continueRetry), { credentials });
		const outputs = result.outputs('Probe').map((items) => items.map((item) => item.json));
		const keepsFirst = engineDiffers.continueRetryKeepsFirstRun;
		expect(probe.calls).toHaveLength(keepsFirst ? 3 : 2);
		expect(outputs).toEqual(
			keepsFirst
				? [[], [{ email: 'b@x.io' }], [], [{ email: 'a@x.io', error: 'failed a' }]]
				: [[{ email: 'a@x.io' }], [{ email: 'b@x.io' }], [], []],
		);
	});

	test('waitBetweenTries 0 means the 1000 ms default (`0 || 1000`)', async () => {
		probe.fn = async (context) => {
			if (probe.calls.length < 2) throw new NodeOperationError(context.getNode(), 'again');
			return [context.getInputData(), [], []];
		};
		const t0 = Date.now();
		await runWorkflow(workflow({ retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }), {
			credentials,
		});
		expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
	});
});

describe('Error output and continue modes', () => {
	test('which items move to the Error output, and with what json, on each line', async () => {
		const shapes: IDataObject[] = [
			{ email: 'a@x.io', error: 'has other keys' },
			{ error: 'only error' },
			{ error: 'error and message', message: 'm' },
			{ error: 'error and a message object', message: { outcome: 'failed' } },
			{ error: 'error and details', details: 'd' },
			{ error: 'error, message and details', message: 'm', details: 'd' },
		];
		probe.fn = async (context) => {
			const [, b] = context.getInputData();
			return [
				shapes.map((json) => ({ json, pairedItem: { item: 0 } })),
				[
					{
						json: { ...b.json },
						error: new NodeOperationError(context.getNode(), 'item.error'),
						pairedItem: { item: 1 },
					},
				],
				[],
			];
		};
		const result = await runWorkflow(workflow({ onError: 'continueErrorOutput' }), { credentials });
		const outputs = result.outputs('Probe');
		const withDetails = shapes.slice(4);
		expect(outputs[0].map((item) => item.json)).toEqual([
			shapes[0],
			...(engineDiffers.errorOutputAcceptsDetails ? [] : withDetails),
		]);
		expect(outputs[1]).toEqual([]);
		// Moved items are merged over the paired input item's json; an item with item.error keeps its
		// json on n8n-core 1.84 and is normalized to { error: message } after the move on later engines.
		expect(outputs[3].map((item) => item.json)).toEqual([
			...[
				shapes[1],
				shapes[2],
				shapes[3],
				...(engineDiffers.errorOutputAcceptsDetails ? withDetails : []),
			].map((json) => ({
				email: 'a@x.io',
				...json,
			})),
			engineDiffers.itemErrorKeepsJson ? { email: 'b@x.io' } : { error: 'item.error' },
		]);
	});

	test('a node that THROWS under a continue mode passes its input items on output 0, unmarked', async () => {
		probe.fn = async (context) => {
			throw new NodeOperationError(context.getNode(), 'whole node failed');
		};
		for (const onError of ['continueErrorOutput', 'continueRegularOutput'] as const) {
			const result = await runWorkflow(workflow({ onError }), { credentials });
			expect(result.error).toBeUndefined();
			expect(result.runs('Probe')[0].error?.message).toBe('whole node failed');
			expect(result.outputs('Probe').map((items) => items.map((item) => item.json))).toEqual([
				[{ email: 'a@x.io' }, { email: 'b@x.io' }],
			]);
			expect(result.outputs('A')).toHaveLength(1);
		}
	});
});

/** n8n-core 1.122 throws a NodeApiError without its cause (the AxiosError); the others keep it. */
const withCause = (fields: IDataObject): IDataObject =>
	engineDiffers.nodeApiErrorKeepsCause
		? fields
		: { causeName: null, causeCode: null, causeMessage: null };

describe('HTTP helpers (axios)', () => {
	test('httpRequest timeout: AxiosError ECONNABORTED "timeout of N ms exceeded" (not wrapped)', async () => {
		fixture.setHandler(() => undefined);
		const { outcome } = await probeRequest({ url: `${fixture.baseUrl}/hang`, timeout: 150 }, false);
		expect(outcome).toMatchObject({
			class: 'AxiosError',
			code: 'ECONNABORTED',
			message: 'timeout of 150ms exceeded',
		});
	});

	test('httpRequestWithAuthentication timeout: NodeApiError, httpCode "ECONNABORTED", stock message', async () => {
		fixture.setHandler(() => undefined);
		const { outcome } = await probeRequest({ url: `${fixture.baseUrl}/hang`, timeout: 150 });
		expect(outcome).toMatchObject({
			isNodeApiError: true,
			message: 'The connection was aborted, perhaps the server is offline',
			httpCode: 'ECONNABORTED',
			...withCause({
				causeName: 'AxiosError',
				causeCode: 'ECONNABORTED',
				causeMessage: 'timeout of 150ms exceeded',
			}),
		});
	});

	test('reset socket: NodeApiError httpCode "ECONNRESET", cause "socket hang up"', async () => {
		fixture.setHandler((_request, _res, req) => req.socket.destroy());
		const { outcome } = await probeRequest({
			method: 'POST',
			url: `${fixture.baseUrl}/reset`,
			body: { a: 1 },
			json: true,
			timeout: 5000,
		});
		expect(outcome).toMatchObject({
			isNodeApiError: true,
			httpCode: 'ECONNRESET',
			...withCause({ causeCode: 'ECONNRESET', causeMessage: 'socket hang up' }),
		});
	});

	test('cancel mid-request: httpRequestWithAuthentication uses the execution cancel signal (CanceledError)', async () => {
		fixture.setHandler(() => undefined);
		const t0 = Date.now();
		const { outcome, result } = await probeRequest(
			{ url: `${fixture.baseUrl}/hang`, timeout: 20_000 },
			true,
			new AbortController(),
		);
		expect(Date.now() - t0).toBeLessThan(5_000);
		expect(outcome).toMatchObject({
			isNodeApiError: true,
			message: 'canceled',
			httpCode: 'ERR_CANCELED',
			...withCause({ causeName: 'CanceledError' }),
		});
		expect(result.run.status).toBe('canceled');
	});

	test('cancel mid-request: plain httpRequest is NOT cancelled unless abortSignal is passed', async () => {
		fixture.setHandler(() => undefined);
		const t0 = Date.now();
		const { outcome } = await probeRequest(
			{ url: `${fixture.baseUrl}/hang`, timeout: 400 },
			false,
			new AbortController(),
		);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
		expect(outcome).toMatchObject({ code: 'ECONNABORTED' });
	});

	test('401 through httpRequestWithAuthentication: the request is sent twice, then NodeApiError httpCode 401', async () => {
		fixture.setHandler((_request, res) =>
			res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad token"}'),
		);
		const { outcome, requests } = await probeRequest({
			method: 'POST',
			url: `${fixture.baseUrl}/x`,
			body: { a: 1 },
			json: true,
		});
		expect(requests).toBe(2);
		// Stock message for the status; the API's own message lands in `description`.
		expect(outcome).toMatchObject({
			isNodeApiError: true,
			httpCode: '401',
			message: 'Authorization failed - please check your credentials',
			description: 'Bad token',
		});
		expect(fixture.requests.at(-1)?.headers.authorization).toBe('apikey k-123');
	});

	test('ignoreHttpStatusErrors + returnFullResponse: one request, the status and body come back', async () => {
		fixture.setHandler((_request, res) =>
			res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad token"}'),
		);
		const { outcome, requests } = await probeRequest({
			method: 'POST',
			url: `${fixture.baseUrl}/x`,
			body: { a: 1 },
			json: true,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		});
		expect(requests).toBe(1);
		expect(outcome.response).toMatchObject({ statusCode: 401, body: { message: 'Bad token' } });
	});
});

describe('as an AI tool (test.probeTool through n8n-core createNodeAsTool)', () => {
	test('each call and each Retry On Fail try is a new run index; a throw after the last try reaches the agent', async () => {
		const seen: IDataObject[] = [];
		probe.fn = async (context) => {
			seen.push({
				type: context.getNode().type,
				input: context.getInputData().map((item) => item.json),
			});
			if (probe.calls.length === 1 || probe.calls.length >= 4)
				throw new NodeOperationError(context.getNode(), 'tool failed');
			return [[{ json: { ok: probe.calls.length } }], [{ json: { hidden: true } }], []];
		};
		const items = workflow({}, [{ q: 1 }, { q: 2 }, { q: 3 }]).nodes[0];
		const caller = {
			...items,
			id: 'a',
			name: 'Agent',
			type: TEST_TOOL_CALLER_TYPE,
			parameters: {},
		};
		const tool = { ...workflow().nodes[1], type: 'test.probeTool' };
		const connect = (node: string, type: NodeConnectionType) => [[{ node, type, index: 0 }]];
		const result = await runWorkflow(
			{
				nodes: [items, caller, { ...tool, retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }],
				connections: {
					Items: { main: connect('Agent', NodeConnectionTypes.Main) },
					Probe: { ai_tool: connect('Agent', NodeConnectionTypes.AiTool) },
				},
			},
			{ credentials, executionId: 'exec-tool' },
		);

		// The agent's arguments arrive as the one input item (ai_tool), filtered by the tool's schema,
		// which holds only the keys the parameters ask for with $fromAI() (none here); type ends in Tool.
		expect(seen[0]).toEqual({ type: 'test.probeTool', input: [{}] });
		expect(probe.calls.every((call) => call.executionId === 'exec-tool')).toBe(true);
		const agent = result.outputs('Agent')[0].map((item) => item.json);
		if (!engineDiffers.toolRetriesAndThrows) {
			// n8n 1.85: no Retry On Fail for a tool; a throw reaches the agent as text.
			expect(probe.calls.map((call) => call.runIndex)).toEqual([0, 1, 2]);
			expect(agent[0].response).toMatch(/^Error during node execution: /);
			expect(agent[1].parsed).toEqual([{ ok: 2 }]); // output 1 never reaches the agent
			expect(agent[2].parsed).toEqual([{ ok: 3 }]);
			expect(result.runs('Probe')).toHaveLength(3);
			return;
		}
		expect(probe.calls.map((call) => call.runIndex)).toEqual([0, 1, 2, 3, 4]);
		expect(agent[0].parsed).toEqual([{ ok: 2 }]); // try 1 threw, try 2 answered; output 1 never reaches the agent
		expect(agent[1].parsed).toEqual([{ ok: 3 }]);
		expect(agent[2].toolError).toMatch(/tool failed/); // both tries threw
		expect(result.runs('Probe')).toHaveLength(5);
	});
});
