/**
 * Issue 12, proofs 2 and 3: a CRM delivers the same "new customer" webhook twice, 5 s apart. With
 * the default "Skip If Invited Within" the customer gets one e-mail and the second execution routes
 * them to Success as "sentBefore", no request made; set to 0, the second POST sends again. In one
 * process, and in queue mode (6) with the first execution's worker stopped before the second POST,
 * so the second knows of the first send only through n8n's deduplication store in PostgreSQL.
 */
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { SAMPLE_CUSTOMERS } from '../../simulator';
import { waitUntilListening } from '../../harness/n8n/webhook';
import { seconds } from '../../harness/queue/executions';
import { CUSTOMER_WORKFLOW } from '../../harness/workflows/queueWorkflows';
import { post, webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import { measured } from '../measured';
import { onOtherWorker } from '../otherWorker';
import type { QueueScenario, Scenario } from '../scenario';
import { ended, hookIn, idsOf, routedIn, waitFor, type Hook } from '../webhookSteps';

const APART_MS = 5000;
const [FIRST, SECOND] = SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited').map((c) => c.email);

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
		assert.deepEqual(
			routed.map((r) => [r.email, r.branch]),
			[[email, 0]],
			`execution ${e.id} routes the customer to Success`,
		);
		outcomes.push(routed[0].outcome);
	}
	assert.deepEqual(
		outcomes,
		['sent', skipOff ? 'sent' : 'sentBefore'],
		'invitation.outcome of the first and second execution',
	);
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

/** In one process: the default window, or (skipOff) the option at 0, on a workflow and customer of its own. */
function inOneProcess(skipOff: boolean): Scenario {
	const id = `gcoreIamTwice00${skipOff ? 2 : 1}`;
	const path = `gcore-e2e-twice${skipOff ? '-off' : ''}`;
	return {
		name: skipOff
			? 'same webhook event twice with "Skip If Invited Within" 0: the second POST sends again'
			: 'same webhook event twice, 5 s apart: one e-mail, the second execution routes to Success as "sentBefore"',
		mode: 'single',
		order: skipOff ? 71 : 70,
		phase: 'server',
		workflows: () => [
			webhookWorkflow({ id, path, options: skipOff ? { skipIfInvitedWithin: 0 } : {} }),
		],
		publish: true,
		async run(ctx) {
			await waitUntilListening(ctx, id, path);
			const hook = hookIn(ctx, id, path);
			return (await proveSameEventTwice(hook, skipOff ? SECOND : FIRST, skipOff)).note;
		},
	};
}

export const sameEvent = inOneProcess(false);
export const sameEventSkipOff = inOneProcess(true);

const LABEL = '6. same event on the other worker';

export const sameEventOnOtherWorker: QueueScenario = {
	name: 'same webhook event twice, 5 s apart, on the other worker: one e-mail, the second execution routes to Success as "sentBefore"',
	mode: 'queue',
	order: 60,
	label: LABEL,
	async run(ctx) {
		const { proof, first, second } = await onOtherWorker(
			ctx,
			LABEL,
			CUSTOMER_WORKFLOW,
			(hook, awayFrom) => proveSameEventTwice(hook, FIRST, false, awayFrom),
			(p) => p.ids,
		);
		measured(LABEL, {
			'first POST': `execution ${proof.ids[0]} on ${first}: "sent", 1 request`,
			[`second POST (${seconds(proof.apartMs)} after the first)`]: `execution ${proof.ids[1]} on ${second}: Success as "sentBefore", 0 requests; the customer e-mailed once`,
		});
		return `${proof.note}; first on ${first}, second on ${second}`;
	},
};
