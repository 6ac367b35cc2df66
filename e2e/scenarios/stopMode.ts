/** The default "On Error: Stop Workflow": `n8n execute` fails, naming the address and the API's message, without the key. */
import * as assert from 'node:assert/strict';

import { SAMPLE_CUSTOMERS } from '../../simulator';
import { assertNoKey } from '../expect';
import { describeCliResult } from '../../harness/n8n/cli';
import { loadExampleWorkflow, type WorkflowJson } from '../../harness/workflows/workflowJson';
import { executeFresh, type Scenario } from '../scenario';

const WORKFLOW_ID = 'gcoreIamStopErr1';
const VALIDATION_MESSAGE = 'Enter a valid email address.';
const REFUSED = SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited')[0].email;

function workflow(): WorkflowJson {
	const wf = loadExampleWorkflow(WORKFLOW_ID);
	wf.name = `${wf.name} (e2e: stop on error)`;
	return wf;
}

export const stopMode: Scenario = {
	name: 'default "Stop Workflow": n8n execute fails naming the address and the API message',
	mode: 'single',
	order: 30,
	phase: 'cli',
	workflows: () => [workflow()],
	async run(ctx) {
		const { result } = await executeFresh(ctx, WORKFLOW_ID, () =>
			ctx.sim.addFault(REFUSED, { status: 400, body: { errors: { email: [VALIDATION_MESSAGE] } } }),
		);
		const out = `${result.stdout}\n${result.stderr}`;
		const described = describeCliResult('execute', result);
		assert.equal(result.signal, null, described);
		assert.notEqual(result.code, 0, `n8n execute should fail. ${described}`);
		assert.ok(out.includes(VALIDATION_MESSAGE), `the error shows the API message. ${described}`);
		assert.ok(out.includes(REFUSED), `the error names ${REFUSED}. ${described}`);
		assertNoKey(ctx.apiKey, out);
		return `exit ${result.code}`;
	},
};
