/** The example workflow as shipped: every customer on its branch, the nodes behind each branch get them, the key header reaches the API. */
import * as assert from 'node:assert/strict';

import { SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL } from '../../simulator';
import * as expect from '../expect';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../../harness/names';
import { nodeOutputs } from '../../harness/n8n/runData';
import * as wfj from '../../harness/workflows/workflowJson';
import { executeFresh, type Scenario } from '../scenario';

export const example: Scenario = {
	name: 'example workflow: each customer on its branch (n8n execute)',
	mode: 'single',
	order: 10,
	phase: 'cli',
	workflows: () => [wfj.loadExampleWorkflow()],
	async run(ctx) {
		const { run, result } = await executeFresh(ctx, wfj.EXAMPLE_WORKFLOW_ID);
		expect.assertRanOk(run, result);
		const inputs = nodeOutputs(run, wfj.INPUT_NODE)[0] ?? [];
		const addresses = expect.emails(inputs);
		for (const email of [...SAMPLE_CUSTOMERS.map((c) => c.email), SAMPLE_UNKNOWN_EMAIL])
			assert.ok(addresses.includes(email), `the example does not send ${email}`);
		const summary = expect.assertBranches(run, inputs, new Set());
		const outs = nodeOutputs(run, GCORE_NODE_NAME);
		wfj
			.targetsOf(wfj.loadExampleWorkflow(), GCORE_NODE_NAME)
			.slice(0, 3)
			.forEach((targets, k) => {
				for (const t of targets)
					assert.deepEqual(
						expect.emails(nodeOutputs(run, t)[0] ?? []),
						expect.emails(outs[k]),
						`items reaching "${t}" (on "${OUTPUT_NAMES[k]}")`,
					);
			});
		expect.assertNoKey(ctx.apiKey, result.stdout, result.stderr);
		const saw = await expect.assertSimulatorSaw(ctx.sim, ctx.apiKey, expect.once(addresses));
		return `${summary}; ${saw}; ${(result.ms / 1000).toFixed(1)} s`;
	},
};
