// What n8n-core does around a node, on each engine line (engineLine.ts: where they differ), pinned
// with a probe node: the Gcore node's error handling, retries and cancellation rely on each.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { WorkflowDefinition } from '../../harness/engine';
import {
	engineDiffers,
	registerCredentialType,
	registerNodeType,
	runWorkflow,
} from '../../harness/engine';
import { description } from '../../harness/engine/standInNodes';
import { pollUntil } from '../../harness/poll';
import type { Fault, Simulator } from '../../simulator';
import { RENEW_PATH, startSimulator } from '../../simulator';

type ProbeFn = (context: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
const hang: Fault = { hang: true };
const passThrough: ProbeFn = async (context) => [context.getInputData(), [], []];
const probe: {
	fn: ProbeFn;
	calls: Array<{ executionId: string; runIndex: number; items: number }>;
} = { fn: passThrough, calls: [] };

class Probe implements INodeType {
	description = description({
		name: 'test.probe',
		displayName: 'Probe',
		version: 1,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['A', 'B', 'C'],
		credentials: [{ name: 'harnessProbeApi', required: true }],
		usableAsTool: true,
		properties: [],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// IExecuteFunctions has no getRunIndex() in 2.41: the data proxy's $thisRunIndex is it.
		const runIndex = this.getWorkflowDataProxy(0).$thisRunIndex;
		const items = this.getInputData().length;
		probe.calls.push({ executionId: this.getExecutionId(), runIndex, items });
		return await probe.fn(this);
	}
}

/** fixtures/<shape>.workflow.json with the Items' items and the Probe node's settings. */
function workflow(
	probeNode: Partial<INode> = {},
	items: IDataObject[] = [{ email: 'a@x.io' }, { email: 'b@x.io' }],
	shape: 'probe' | 'probeTool' = 'probe',
): WorkflowDefinition {
	const file = path.join(__dirname, 'fixtures', `${shape}.workflow.json`);
	const definition = JSON.parse(readFileSync(file, 'utf8')) as WorkflowDefinition;
	for (const node of definition.nodes) {
		if (node.name === 'Items') node.parameters = { items: items as never };
		if (node.name === 'Probe') Object.assign(node, probeNode);
	}
	return definition;
}

/** A key the simulator refuses (401) unless a fault answers first. */
const credentials = { harnessProbeApi: { apiKey: 'k-123' } };
let sim: Simulator;

beforeAll(async () => {
	await registerNodeType(new Probe());
	await registerCredentialType({
		name: 'harnessProbeApi',
		displayName: 'Harness Probe API',
		properties: [{ displayName: 'API Key', name: 'apiKey', type: 'string', default: '' }],
		authenticate: async (data, options) => ({
			...options,
			headers: { ...options.headers, Authorization: `apikey ${data.apiKey}` },
		}),
	});
	sim = await startSimulator();
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	probe.calls.length = 0;
	probe.fn = passThrough;
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

	const [a, b] = [{ email: 'a@x.io' }, { email: 'b@x.io' }];
	const [failedA, failedB] = [
		[[b], [], [], [{ ...a, error: 'e' }]],
		[[a], [], [], [{ ...b, error: 'e' }]],
	];
	// n8n-core 1.84 keeps the first run's output even when a retry succeeds (and still runs every try).
	const keepsFirst = engineDiffers.continueRetryKeepsFirstRun;
	test.each([
		['item 0 on every try', 0, true, 3, failedA],
		[
			'item 0 on try 1 only',
			0,
			false,
			keepsFirst ? 3 : 2,
			keepsFirst ? failedA : [[a, b], [], [], []],
		],
		['item 1 only (no reason to retry)', 1, true, 1, failedB],
	])(
		'under a continue mode it retries while output 0, item 0 has json.error; %s; then the Error output takes it, merged with its input json',
		async (_name, failing, everyTry, tries, outputs) => {
			probe.fn = async (context) => {
				const items = context
					.getInputData()
					.map(({ json }, item) => ({ json, pairedItem: { item } }));
				if (everyTry || probe.calls.length === 1) items[failing].json = { error: 'e' };
				return [items, [], []];
			};
			const result = await runWorkflow(workflow(continueRetry), { credentials });
			expect(probe.calls).toHaveLength(tries);
			expect(result.outputs('Probe').map((items) => items.map((item) => item.json))).toEqual(
				outputs,
			);
		},
	);

	test('waitBetweenTries 0 means the 1000 ms default (`0 || 1000`)', async () => {
		probe.fn = async (context) => {
			if (probe.calls.length < 2) throw new NodeOperationError(context.getNode(), 'again');
			return passThrough(context);
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
			const error = new NodeOperationError(context.getNode(), 'item.error');
			return [
				shapes.map((json) => ({ json, pairedItem: { item: 0 } })),
				[{ json: { ...b.json }, error, pairedItem: { item: 1 } }],
				[],
			];
		};
		const result = await runWorkflow(workflow({ onError: 'continueErrorOutput' }), { credentials });
		const outputs = result.outputs('Probe');
		const withDetails = shapes.slice(4);
		const details = engineDiffers.errorOutputAcceptsDetails;
		expect(outputs[0].map((item) => item.json)).toEqual([
			shapes[0],
			...(details ? [] : withDetails),
		]);
		expect(outputs[1]).toEqual([]);
		// Moved items are merged over the paired input item's json; an item with item.error keeps its
		// json on n8n-core 1.84 and is normalized to { error: message } after the move on later engines.
		expect(outputs[3].map((item) => item.json)).toEqual([
			...[...shapes.slice(1, 4), ...(details ? withDetails : [])].map((json) => ({
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

describe('HTTP helpers (axios), against the simulator', () => {
	/** A thrown error in one line: class or httpCode, code, message, description, cause. */
	type Thrown = Error & { httpCode?: string; code?: string; description?: string; cause?: Thrown };
	const said = (e: Thrown): string =>
		`${e instanceof NodeApiError ? `NodeApiError ${e.httpCode}` : `${e.name} ${e.code}`}: ${e.message}` +
		(e.description ? ` (${e.description})` : '') +
		(e.cause ? ` <- ${e.cause.name} ${e.cause.code}: ${e.cause.message}` : '');

	// n8n-core 1.122 throws a NodeApiError without its cause (the AxiosError); the others keep it.
	const cause = (text: string) => (engineDiffers.nodeApiErrorKeepsCause ? ` <- ${text}` : '');
	const RESET =
		'The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.';
	// Long enough for the request to arrive on a loaded machine before the client gives up.
	const timeout = 'timeout of 500ms exceeded';
	type Helper = 'auth' | 'plain' | 'auth cancel' | 'plain cancel';
	test.each<[string, Fault | undefined, Partial<IHttpRequestOptions>, Helper, string, number]>([
		[
			'httpRequest timeout: not wrapped',
			hang,
			{ timeout: 500 },
			'plain',
			`AxiosError ECONNABORTED: ${timeout}`,
			1,
		],
		[
			'httpRequestWithAuthentication timeout: NodeApiError, httpCode ECONNABORTED, stock message',
			hang,
			{ timeout: 500 },
			'auth',
			`NodeApiError ECONNABORTED: The connection was aborted, perhaps the server is offline${cause(`AxiosError ECONNABORTED: ${timeout}`)}`,
			1,
		],
		[
			'reset socket: NodeApiError ECONNRESET',
			{ reset: true },
			{ timeout: 5000 },
			'auth',
			`NodeApiError ECONNRESET: ${RESET}${cause('Error ECONNRESET: read ECONNRESET')}`,
			1,
		],
		[
			'401 through httpRequestWithAuthentication: sent twice, stock message, the API’s own in `description`',
			undefined,
			{},
			'auth',
			`NodeApiError 401: Authorization failed - please check your credentials (Bad permanent token: k-123)${cause('AxiosError ERR_BAD_REQUEST: Request failed with status code 401')}`,
			2,
		],
		[
			'ignoreHttpStatusErrors + returnFullResponse: one request, the status and body come back',
			undefined,
			{ ignoreHttpStatusErrors: true, returnFullResponse: true },
			'auth',
			'401: Bad permanent token: k-123',
			1,
		],
		[
			'cancel mid-request: httpRequestWithAuthentication uses the execution cancel signal (CanceledError)',
			hang,
			{ timeout: 20_000 },
			'auth cancel',
			`NodeApiError ERR_CANCELED: canceled${cause('CanceledError ERR_CANCELED: canceled')}`,
			1,
		],
		[
			'cancel mid-request: plain httpRequest is NOT cancelled',
			hang,
			{ timeout: 500 },
			'plain cancel',
			`AxiosError ECONNABORTED: ${timeout}`,
			1,
		],
	])('%s', async (_name, fault, options, helper, outcome, requests) => {
		const [withAuth, cancel] = [helper.startsWith('auth'), helper.endsWith('cancel')];
		if (fault) sim.addFault('*', fault);
		let answer = '';
		probe.fn = async (context) => {
			const request = {
				method: 'POST' as const,
				url: `${sim.url}${RENEW_PATH}`,
				body: { email: 'a@x.io' },
				json: true,
				...options,
			};
			const { helpers } = context;
			try {
				const response = withAuth
					? await helpers.httpRequestWithAuthentication.call(context, 'harnessProbeApi', request)
					: await helpers.httpRequest(request);
				answer = `${response.statusCode}: ${response.body.message}`;
			} catch (error) {
				answer = said(error as Thrown);
			}
			return passThrough(context);
		};
		const stop = new AbortController();
		const running = runWorkflow(workflow({}, [{}]), { credentials, signal: stop.signal });
		if (cancel) {
			const sent = async () => sim.stats().requests > 0 || undefined;
			await pollUntil(sent, 5000, () => 'no request reached the simulator in 5 s', 5);
			stop.abort();
		}
		const { run } = await running;
		expect(answer).toBe(outcome);
		expect(run.status).toBe(cancel ? 'canceled' : 'success');
		expect(sim.stats().requests).toBe(requests);
		expect(sim.stats().log.at(-1)?.authorization).toBe(withAuth ? 'apikey k-123' : undefined);
	});
});

test('as an AI tool (test.probeTool through n8n-core createNodeAsTool): each call and each Retry On Fail try is a new run index; a throw after the last try reaches the agent', async () => {
	const seen: IDataObject[] = [];
	probe.fn = async (context) => {
		seen.push({ type: context.getNode().type, input: context.getInputData().map((i) => i.json) });
		if (probe.calls.length === 1 || probe.calls.length >= 4)
			throw new NodeOperationError(context.getNode(), 'tool failed');
		return [[{ json: { ok: probe.calls.length } }], [{ json: { hidden: true } }], []];
	};
	const tool = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
	const result = await runWorkflow(workflow(tool, [{ q: 1 }, { q: 2 }, { q: 3 }], 'probeTool'), {
		credentials,
		executionId: 'exec-tool',
	});

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
