/** The node's two On Error modes when the API refuses: "Stop Workflow" and "Continue (using error output)" (README.md). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as expect from '../expect';
import { describeCliResult } from '../../harness/n8n/cli';
import { nodeOutputs, type N8nItem } from '../../harness/n8n/runData';
import { GCORE_NODE_NAME } from '../../harness/names';
import { loadExampleWorkflow, type WorkflowJson } from '../../harness/workflows/workflowJson';
import { executeFresh, type Scenario } from '../scenario';

/** The example with this error mode, Max Retries 1, "Add a typo" before Gcore IAM and "Failed: fix in CRM" on the Error output. */
const FILE = path.join(__dirname, '..', 'workflows', 'errorOutput.workflow.json');
const TYPO_ADDRESS = 'not-an-email-address';
const VALIDATION_MESSAGE = 'Enter a valid email address.';
const [STOPPER, REFUSED, SERVER_ERROR] = expect.INVITED;
const workflow = () => JSON.parse(fs.readFileSync(FILE, 'utf8')) as WorkflowJson;
const refusal = { status: 400, body: { errors: { email: [VALIDATION_MESSAGE] } } };

export const stopMode: Scenario = {
	name: 'default "Stop Workflow": n8n execute fails naming the address and the API message',
	mode: 'single',
	order: 30,
	phase: 'cli',
	workflows: () => [{ ...loadExampleWorkflow('gcoreIamStopErr1'), name: 'e2e: stop on error' }],
	async run(ctx) {
		const { result } = await executeFresh(ctx, 'gcoreIamStopErr1', () =>
			ctx.sim.addFault(STOPPER, refusal),
		);
		const out = `${result.stdout}\n${result.stderr}`;
		const described = describeCliResult('execute', result);
		assert.equal(result.signal, null, described);
		assert.notEqual(result.code, 0, `n8n execute should fail. ${described}`);
		assert.ok(out.includes(VALIDATION_MESSAGE), `the error shows the API message. ${described}`);
		assert.ok(out.includes(STOPPER), `the error names ${STOPPER}. ${described}`);
		expect.assertNoKey(ctx.apiKey, out);
		return `exit ${result.code}`;
	},
};

/** The failure's facts wherever the item keeps them: the (nested) object with outcome "failed". */
function factsOf(value: unknown): Record<string, unknown> | undefined {
	if (!value || typeof value !== 'object') return undefined;
	if ((value as { outcome?: string }).outcome === 'failed') return value as Record<string, unknown>;
	return Object.values(value).map(factsOf).find(Boolean);
}

/** The item of `email` on the Error output keeps its input fields and has an error and the failure's facts. */
function assertFailed(
	[errorOutput, inputs]: N8nItem[][],
	email: string,
	want: { statusCode?: number; attempts?: number; apiMessage?: string },
): void {
	const item = errorOutput.find((i) => i.json.email === email);
	const input = inputs.find((i) => i.json.email === email)!;
	const who = `Error item ${email}`;
	const shown = JSON.stringify(item?.json);
	assert.ok(item && typeof item.json.error === 'string' && item.json.error, `${who}: ${shown}`);
	for (const [key, value] of Object.entries(input.json))
		assert.deepEqual(item.json[key], value, `${who} keeps input field ${key}`);
	const facts = factsOf(item.json);
	assert.ok(facts, `${who} keeps the failure's facts (outcome "failed"): ${shown}`);
	assert.equal(facts.email, input.json.email, `${who}: facts name the address`);
	assert.equal(facts.statusCode, want.statusCode, `${who}: API status`);
	if (want.attempts !== undefined) assert.equal(facts.attempts, want.attempts, `${who}: attempts`);
	if (want.apiMessage)
		assert.ok(shown.includes(want.apiMessage), `${who} shows the API's message: ${shown}`);
}

export const errorOutput: Scenario = {
	name: '"Continue (using error output)": failed customers on Error, never on a success branch',
	mode: 'single',
	order: 20,
	phase: 'cli',
	workflows: () => [workflow()],
	async run(ctx) {
		const { run, result } = await executeFresh(ctx, workflow().id!, async () => {
			await ctx.sim.addFault(REFUSED, refusal);
			await ctx.sim.addFault(SERVER_ERROR, { status: 500 });
		});
		expect.assertRanOk(run, result);
		const inputs = nodeOutputs(run, 'Add a typo')[0] ?? [];
		assert.ok(expect.emails(inputs).includes(TYPO_ADDRESS), `no ${TYPO_ADDRESS} among the inputs`);
		const failing = new Set([REFUSED, SERVER_ERROR, TYPO_ADDRESS]);
		const summary = expect.assertBranches(run, inputs, failing);
		const outs = nodeOutputs(run, GCORE_NODE_NAME);
		assert.equal(outs.length, 4, `${GCORE_NODE_NAME}'s outputs with the Error output`);
		const wantFailed = expect.emails(inputs).filter((e) => failing.has(e));
		assert.deepEqual(
			expect.emails(outs[3]),
			wantFailed,
			'items on the Error output, in input order',
		);
		const items = [outs[3], inputs];
		assertFailed(items, REFUSED, { statusCode: 400, attempts: 1, apiMessage: VALIDATION_MESSAGE });
		assertFailed(items, SERVER_ERROR, { statusCode: 500, attempts: 2 });
		assertFailed(items, TYPO_ADDRESS, {});
		const reached = expect.emails(nodeOutputs(run, 'Failed: fix in CRM')[0] ?? []);
		assert.deepEqual(reached, wantFailed, 'items reaching the node on the Error output');
		expect.assertNoKey(ctx.apiKey, result.stdout, result.stderr);
		const saw = await expect.assertSimulatorSaw(ctx.sim, ctx.apiKey, {
			...expect.once(expect.emails(inputs).filter((e) => !failing.has(e))),
			[REFUSED]: 1,
			[SERVER_ERROR]: 2,
			[TYPO_ADDRESS]: 0,
		});
		return `${summary}, Error: ${outs[3].length} (API 400, API 500 after 2 tries, invalid address never sent); ${saw}`;
	},
};
