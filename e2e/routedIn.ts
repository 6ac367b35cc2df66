/** Where n8n's record of one execution of the webhook workflow (harness/workflows/webhookWorkflow.ts) put each customer, checked on the way. */
import * as assert from 'node:assert/strict';

import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../harness/names';
import type { N8nRest } from '../harness/n8n/rest';
import { nodeOutputs } from '../harness/n8n/runData';

export interface Routed {
	email: string;
	/** 0 Success, 1 Already Activated, 2 Not Found */
	branch: number;
	outcome: string | undefined;
}

/** Where n8n's record of one execution put each item of Gcore IAM, and that each branch's node got them. */
export async function routedIn(rest: N8nRest, executionId: string): Promise<Routed[]> {
	const { run, status } = await rest.execution(executionId);
	assert.equal(
		status,
		'success',
		`execution ${executionId}: ${status} ${JSON.stringify(run.data.resultData.error ?? '')}`,
	);
	const outs = nodeOutputs(run, GCORE_NODE_NAME);
	const routed: Routed[] = [];
	outs.slice(0, 3).forEach((items, branch) => {
		const reached = (nodeOutputs(run, OUTPUT_NAMES[branch])[0] ?? []).map((i) =>
			String(i.json.email ?? (i.json.body as { email?: string })?.email),
		);
		const emails = items.map((i) =>
			String(i.json.email ?? (i.json.body as { email?: string })?.email),
		);
		assert.deepEqual(
			reached,
			emails,
			`execution ${executionId}: what reached "${OUTPUT_NAMES[branch]}"`,
		);
		items.forEach((i, k) =>
			routed.push({
				email: emails[k],
				branch,
				outcome: (i.json.invitation as { outcome?: string } | undefined)?.outcome,
			}),
		);
	});
	return routed;
}
