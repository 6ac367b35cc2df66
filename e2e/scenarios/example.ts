/** The example workflow as shipped: every customer on its branch, the nodes behind each branch get them, the key header reaches the API. */
import * as assert from 'node:assert/strict';

import { SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL } from '../../simulator';
import {
	assertBranches,
	assertNoKey,
	assertRanOk,
	assertSimulatorSaw,
	emails,
	once,
} from '../expect';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../../harness/names';
import { NODE_TYPE } from '../../harness/ourPackage';
import { nodeOutputs } from '../../harness/n8n/runData';
import {
	EXAMPLE_WORKFLOW_ID,
	INPUT_NODE,
	loadExampleWorkflow,
	targetsOf,
} from '../../harness/workflows/workflowJson';
import { executeFresh, type Scenario } from '../scenario';

export const example: Scenario = {
	name: 'example workflow: each customer on its branch (n8n execute)',
	mode: 'single',
	order: 10,
	phase: 'cli',
	workflows: () => [loadExampleWorkflow()],
	async run(ctx) {
		const wf = loadExampleWorkflow();
		assert.ok(
			wf.nodes.some((n) => n.type === NODE_TYPE),
			`the example has no ${NODE_TYPE} node`,
		);
		const { run, result } = await executeFresh(ctx, EXAMPLE_WORKFLOW_ID);
		assertRanOk(run, result);
		const inputs = nodeOutputs(run, INPUT_NODE)[0] ?? [];
		const addresses = emails(inputs);
		for (const c of SAMPLE_CUSTOMERS)
			assert.ok(
				addresses.includes(c.email),
				`the example does not send sample customer ${c.email}`,
			);
		assert.ok(
			addresses.includes(SAMPLE_UNKNOWN_EMAIL),
			`the example does not send ${SAMPLE_UNKNOWN_EMAIL}`,
		);
		const summary = assertBranches(run, inputs, new Set());
		const outs = nodeOutputs(run, GCORE_NODE_NAME);
		targetsOf(wf, GCORE_NODE_NAME)
			.slice(0, 3)
			.forEach((targets, k) => {
				for (const t of targets) {
					assert.deepEqual(
						emails(nodeOutputs(run, t)[0] ?? []),
						emails(outs[k]),
						`items reaching "${t}" (on "${OUTPUT_NAMES[k]}")`,
					);
				}
			});
		assertNoKey(ctx.apiKey, result.stdout, result.stderr);
		const saw = await assertSimulatorSaw(ctx.sim, ctx.apiKey, once(addresses));
		return `${summary}; ${saw}; ${(result.ms / 1000).toFixed(1)} s`;
	},
};
