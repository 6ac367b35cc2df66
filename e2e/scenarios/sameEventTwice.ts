// Issue 12, proofs 2 and 3: the same webhook twice, 5 s apart: one e-mail (or two with the option at 0); in
// queue mode (6) on the other worker, which knows of the first only through n8n's store.
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { seconds } from '../../harness/queue/executions';
import { CUSTOMER_WORKFLOW } from '../../harness/workflows/queueWorkflows';
import { post } from '../../harness/workflows/webhookWorkflow';
import { INVITED } from '../expect';
import { onOtherWorker } from '../otherWorker';
import { ended, idsOf, routedIn, waitFor, webhookScenario, type Hook } from '../webhookSteps';

const APART_MS = 5000;
const [FIRST, SECOND] = INVITED;

/** `between`: after the first execution has finished, before the second POST. */
async function proveSameEventTwice(
	hook: Hook,
	email: string,
	skipOff: boolean,
	between?: (firstId: string) => Promise<void>,
) {
	const { rest, sim, url } = hook;
	await sim.reset();
	const known = await idsOf(hook);
	const event = { email, name: 'Maria Garcia', company: 'Northwind Traders' };
	const t0 = Date.now();
	assert.equal(await post(url, event), 200, 'first POST');
	const [first] = await waitFor(hook, known, ended(1), 120_000);
	await between?.(first.id);
	await sleep(Math.max(0, t0 + APART_MS - Date.now()));
	const apartMs = Date.now() - t0;
	assert.equal(await post(url, event), 200, 'second POST');
	const runs = await waitFor(hook, known, ended(2), 120_000);
	assert.equal(runs.length, 2, 'executions of the two POSTs');
	const outcomes = [];
	for (const e of runs) {
		const routed = await routedIn(rest, e.id);
		const where = `execution ${e.id} routes the customer to Success`;
		assert.deepEqual(
			routed.map((r) => [r.email, r.branch]),
			[[email, 0]],
			where,
		);
		outcomes.push(routed[0].outcome);
	}
	const want = ['sent', skipOff ? 'sent' : 'sentBefore'];
	assert.deepEqual(outcomes, want, 'invitation.outcome of the first and second execution');
	const stats = await sim.stats();
	const sends = skipOff ? 2 : 1;
	assert.equal(stats.sentByEmail[email.toLowerCase()] ?? 0, sends, `e-mails sent to ${email}`);
	assert.equal(stats.byEmail[email.toLowerCase()] ?? 0, sends, `requests for ${email}`);
	return {
		ids: [runs[0].id, runs[1].id] as [string, string],
		apartMs,
		note: `executions ${runs.map((e) => e.id).join(', ')} (POSTs ${seconds(apartMs)} apart): outcomes ${outcomes.join(', ')}; ${sends} e-mail(s), ${sends} request(s)`,
	};
}

export const sameEvent = webhookScenario({
	name: 'same webhook event twice, 5 s apart: one e-mail, the second execution routes to Success as "sentBefore"; with "Skip If Invited Within" 0 the second POST sends again',
	order: 70,
	workflows: [
		{ id: 'gcoreIamTwice001', path: 'gcore-e2e-twice' },
		{ id: 'gcoreIamTwice002', path: 'gcore-e2e-twice-off', options: { skipIfInvitedWithin: 0 } },
	],
	async prove([byDefault, skipOff]) {
		const { note } = await proveSameEventTwice(byDefault, FIRST, false);
		return `${note} | option 0: ${(await proveSameEventTwice(skipOff, SECOND, true)).note}`;
	},
});

export const sameEventOnOtherWorker = onOtherWorker({
	name: 'same webhook event twice, 5 s apart, on the other worker: one e-mail, the second execution routes to Success as "sentBefore"',
	order: 60,
	label: '6. same event on the other worker',
	workflow: CUSTOMER_WORKFLOW,
	prove: (hook, awayFrom) => proveSameEventTwice(hook, FIRST, false, awayFrom),
	rows: ({ ids, apartMs }, first, second) => ({
		'first POST': `execution ${ids[0]} on ${first}: "sent", 1 request`,
		[`second POST (${seconds(apartMs)} after the first)`]: `execution ${ids[1]} on ${second}: Success as "sentBefore", 0 requests; the customer e-mailed once`,
	}),
});
