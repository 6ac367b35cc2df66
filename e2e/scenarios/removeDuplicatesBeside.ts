// Issue 16: Remove Duplicates (v2, scope Workflow, "Value Is New" on the email) beside Gcore IAM behaves as alone.
// Events go one after another: concurrent first writes race inside n8n's store even without our node.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { processedData } from '../../harness/n8n/processedData';
import { nodeOutputs } from '../../harness/n8n/runData';
import { PROBE_EMAIL } from '../../harness/n8n/webhook';
import { GCORE_NODE_NAME } from '../../harness/names';
import { post, webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import * as steps from '../webhookSteps';

const SHAPE = 'webhookRemoveDuplicates';
const WORKFLOW = { id: 'gcoreIamRd00a001', path: 'gcore-e2e-rd', shape: SHAPE } as const;
const { emails, users } = steps.invitedCustomers('rd', 5);
/** How n8n keeps a value in mode "entries" (DeduplicationHelper.createValueHash). */
const md5 = (value: string) => createHash('md5').update(value).digest('base64');

/** Each event POSTed once the last one's execution ended; `want`: "<kept by Remove Duplicates> <our branch> <outcome>". */
async function pass(hook: steps.Hook, want: string) {
	for (const email of emails) {
		const known = await steps.idsOf(hook);
		assert.equal(await post(hook.url, { email }), 200, `POST for ${email}`);
		const [{ id }] = await steps.waitFor(hook, known, steps.ended(1), 120_000);
		const kept = nodeOutputs((await hook.rest.execution(id)).run, 'Remove Duplicates')[0] ?? [];
		const [routed] = await steps.routedIn(hook.rest, id);
		assert.equal(`${kept.length} ${routed.branch} ${routed.outcome}`, want, `execution ${id}`);
	}
}

export const removeDuplicatesBeside = steps.webhookScenario({
	name: 'Remove Duplicates (scope Workflow, "Value Is New") beside Gcore IAM: 5 events one after another, then again: kept once each, its record holds just them, ours is node-scoped',
	order: 85,
	workflows: [WORKFLOW],
	async prove([hook], { n8n }) {
		await hook.sim.prepare({ users });
		await pass(hook, '1 0 sent');
		await pass(hook, '0 0 sentBefore');
		assert.deepEqual(steps.emailTally(await hook.sim.stats(), emails), { never: [], twice: [] });
		const rows = processedData(n8n, WORKFLOW.id);
		const { mode, data } = rows.find((r) => r.context === '')?.value ?? {};
		const values = (data as string[] | undefined)?.filter((hash) => hash !== md5(PROBE_EMAIL));
		assert.deepEqual({ mode, values }, { mode: 'entries', values: emails.map(md5) });
		const ours = webhookWorkflow(WORKFLOW).nodes.find((n) => n.name === GCORE_NODE_NAME)?.id;
		const others = rows.filter((r) => r.context !== '').map((r) => r.context);
		assert.deepEqual(others, [`n:${ours}`], "the other rows: Gcore IAM's own, scope node");
		return `kept 5 then 0, sent 5 then sentBefore 5, 5 e-mails; rows: workflow (${(data as string[]).length} entries with the probe), ${others}`;
	},
});
