/**
 * "On Error: Continue (using error output)": customers whose invitation failed (the API refused
 * one with 400, answered 500 to another on every try, and an invalid address never sent) leave on
 * n8n's Error output, with their input fields, an error message and the failure's facts, and never
 * on Success, Already Activated or Not Found; the others are routed as usual.
 */
import * as assert from 'node:assert/strict';

import { SAMPLE_CUSTOMERS } from '../../simulator';
import {
	assertBranches,
	assertNoKey,
	assertRanOk,
	assertSimulatorSaw,
	emails,
	once,
} from '../expect';
import { nodeOutputs, type N8nItem } from '../../harness/n8n/runData';
import { GCORE_NODE_NAME } from '../../harness/names';
import { loadExampleWorkflow, type WorkflowJson } from '../../harness/workflows/workflowJson';
import { executeFresh, type Scenario } from '../scenario';

const WORKFLOW_ID = 'gcoreIamErrOut01';
const ADD_NODE = 'Add a typo';
const ERROR_NODE = 'Failed: fix in CRM';
const TYPO_ADDRESS = 'not-an-email-address';
const VALIDATION_MESSAGE = 'Enter a valid email address.';
const [, REFUSED, SERVER_ERROR] = SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited').map(
	(c) => c.email,
);
const MAX_RETRIES = 1;

/** The example + this error mode + Max Retries 1 + a Code node adding an invalid address + a node on the Error output. */
function workflow(): WorkflowJson {
	const wf = loadExampleWorkflow(WORKFLOW_ID);
	wf.name = `${wf.name} (e2e: error output)`;
	const gcore = wf.nodes.find((n) => n.name === GCORE_NODE_NAME)!;
	gcore.onError = 'continueErrorOutput';
	gcore.parameters.options = { ...(gcore.parameters.options as object), maxRetries: MAX_RETRIES };
	const source = Object.entries(wf.connections).find(([, c]) =>
		c.main.some((o) => o.some((t) => t.node === GCORE_NODE_NAME)),
	)![0];
	const [x, y] = gcore.position;
	wf.nodes.push(
		{
			id: 'e2e00000-0000-4000-8000-000000000001',
			name: ADD_NODE,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [x - 120, y + 200],
			parameters: {
				jsCode: `return [...$input.all(), { json: { name: 'Typo', company: 'Typo Ltd', email: '${TYPO_ADDRESS}' } }];`,
			},
		},
		{
			id: 'e2e00000-0000-4000-8000-000000000002',
			name: ERROR_NODE,
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [x + 280, y + 320],
			parameters: {},
		},
	);
	wf.connections[source].main = wf.connections[source].main.map((o) =>
		o.map((t) => (t.node === GCORE_NODE_NAME ? { ...t, node: ADD_NODE } : t)),
	);
	wf.connections[ADD_NODE] = { main: [[{ node: GCORE_NODE_NAME, type: 'main', index: 0 }]] };
	const outs = wf.connections[GCORE_NODE_NAME].main;
	while (outs.length < 3) outs.push([]);
	outs[3] = [{ node: ERROR_NODE, type: 'main', index: 0 }];
	return wf;
}

interface FailureFacts {
	email?: string;
	outcome?: string;
	statusCode?: number;
	attempts?: number;
	message?: string;
}

/** The failure's facts wherever the item keeps them: the (nested) object with outcome "failed". */
function factsOf(value: unknown): FailureFacts | undefined {
	if (!value || typeof value !== 'object') return undefined;
	if ((value as FailureFacts).outcome === 'failed') return value as FailureFacts;
	for (const v of Object.values(value)) {
		const found = factsOf(v);
		if (found) return found;
	}
	return undefined;
}

function assertFailedItem(
	item: N8nItem,
	input: N8nItem,
	want: { statusCode?: number; attempts?: number; apiMessage?: string },
): void {
	const who = `Error item ${String(input.json.email)}`;
	for (const [key, value] of Object.entries(input.json))
		assert.deepEqual(item.json[key], value, `${who} keeps input field ${key}`);
	assert.ok(
		typeof item.json.error === 'string' && item.json.error.length > 0,
		`${who} has an error message: ${JSON.stringify(item.json)}`,
	);
	const facts = factsOf(item.json);
	assert.ok(
		facts,
		`${who} keeps the failure's facts (outcome "failed"): ${JSON.stringify(item.json)}`,
	);
	assert.equal(facts.email, input.json.email, `${who}: facts name the address`);
	assert.equal(facts.statusCode, want.statusCode, `${who}: API status`);
	if (want.attempts !== undefined) assert.equal(facts.attempts, want.attempts, `${who}: attempts`);
	if (want.apiMessage)
		assert.ok(
			JSON.stringify(item.json).includes(want.apiMessage),
			`${who} shows the API's message "${want.apiMessage}": ${JSON.stringify(item.json)}`,
		);
}

export const errorOutput: Scenario = {
	name: '"Continue (using error output)": failed customers on Error, never on a success branch',
	mode: 'single',
	order: 20,
	phase: 'cli',
	workflows: () => [workflow()],
	async run(ctx) {
		const { run, result } = await executeFresh(ctx, WORKFLOW_ID, async () => {
			await ctx.sim.addFault(REFUSED, {
				status: 400,
				body: { errors: { email: [VALIDATION_MESSAGE] } },
			});
			await ctx.sim.addFault(SERVER_ERROR, { status: 500 });
		});
		assertRanOk(run, result);
		const inputs = nodeOutputs(run, ADD_NODE)[0] ?? [];
		assert.ok(emails(inputs).includes(TYPO_ADDRESS), `"${ADD_NODE}" did not add ${TYPO_ADDRESS}`);
		const failing = new Set([REFUSED, SERVER_ERROR, TYPO_ADDRESS]);
		const summary = assertBranches(run, inputs, failing);
		const outs = nodeOutputs(run, GCORE_NODE_NAME);
		assert.equal(
			outs.length,
			4,
			`${GCORE_NODE_NAME} should have 4 outputs with the Error output, has ${outs.length}`,
		);
		const wantFailed = emails(inputs).filter((e) => failing.has(e));
		assert.deepEqual(emails(outs[3]), wantFailed, 'items on the Error output, in input order');
		const inputOf = (email: string) => inputs.find((i) => i.json.email === email)!;
		const itemOf = (email: string) => outs[3].find((i) => i.json.email === email)!;
		assertFailedItem(itemOf(REFUSED), inputOf(REFUSED), {
			statusCode: 400,
			attempts: 1,
			apiMessage: VALIDATION_MESSAGE,
		});
		assertFailedItem(itemOf(SERVER_ERROR), inputOf(SERVER_ERROR), {
			statusCode: 500,
			attempts: 1 + MAX_RETRIES,
		});
		assertFailedItem(itemOf(TYPO_ADDRESS), inputOf(TYPO_ADDRESS), {});
		assert.deepEqual(
			emails(nodeOutputs(run, ERROR_NODE)[0] ?? []),
			wantFailed,
			`items reaching "${ERROR_NODE}"`,
		);
		assertNoKey(ctx.apiKey, result.stdout, result.stderr);
		const routed = emails(inputs).filter((e) => !failing.has(e));
		const saw = await assertSimulatorSaw(ctx.sim, ctx.apiKey, {
			...once(routed),
			[REFUSED]: 1,
			[SERVER_ERROR]: 1 + MAX_RETRIES,
			[TYPO_ADDRESS]: 0,
		});
		return `${summary}, Error: ${outs[3].length} (API 400, API 500 after ${1 + MAX_RETRIES} tries, invalid address never sent); ${saw}`;
	},
};
