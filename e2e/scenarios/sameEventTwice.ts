/**
 * Issue 12, proofs 2 and 3: a CRM delivers the same "new customer" webhook twice, 5 s apart. With
 * the default "Skip If Invited Within" (10 min) the customer gets one e-mail and the second
 * execution routes them to Success with invitation.outcome "sentBefore", no request made (n8n's
 * deduplication store remembers the send across executions). Set to 0, the second POST sends again.
 * The proof is run by both modes; the mode says how it reads the workflow's executions and what
 * happens between the two POSTs:
 * - single: in one n8n process, with the default and with the option at 0;
 * - queue (scenario 6): the worker that ran the first execution is stopped before the second POST,
 *   so the second runs on the other worker and knows of the first send only through n8n's
 *   deduplication store in PostgreSQL.
 */
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { SAMPLE_CUSTOMERS } from '../../simulator';
import { waitUntilListening, webhookUrl } from '../../harness/n8n/webhook';
import { seconds } from '../../harness/queue/executions';
import { CUSTOMER_WORKFLOW } from '../../harness/workflows/queueWorkflows';
import { post, webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import { measured } from '../measured';
import { onOtherWorker } from '../otherWorker';
import { routedIn } from '../routedIn';
import type { ProofSetup, QueueScenario, Scenario } from '../scenario';

const APART_MS = 5000;

interface SameEventSetup extends ProofSetup {
	/** The customer: invited, as the simulator knows them after a reset. */
	email: string;
	/** The workflow's "Skip If Invited Within" is 0. */
	skipOff: boolean;
	/** After the first execution has finished, before the second POST. */
	between?(firstId: string): Promise<void>;
}

interface SameEventResult {
	ids: [string, string];
	/** from the first POST to the second */
	apartMs: number;
	note: string;
}

async function proveSameEventTwice(setup: SameEventSetup): Promise<SameEventResult> {
	const { rest, sim, url, email, skipOff, before } = setup;
	await sim.reset();
	const event = { email, name: 'Maria Garcia', company: 'Northwind Traders' };
	const t0 = Date.now();
	assert.equal(await post(url, event), 200, 'first POST');
	const [first] = (await setup.waitForExecutions(before + 1, 120_000)).slice(before);
	await setup.between?.(first.id);
	await sleep(Math.max(0, t0 + APART_MS - Date.now()));
	const apartMs = Date.now() - t0;
	assert.equal(await post(url, event), 200, 'second POST');
	const runs = (await setup.waitForExecutions(before + 2, 120_000)).slice(before);
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
	assert.equal(
		stats.sentByEmail[email.toLowerCase()] ?? 0,
		sends,
		`e-mails the API sent to ${email}`,
	);
	assert.equal(stats.byEmail[email.toLowerCase()] ?? 0, sends, `requests for ${email}`);
	return {
		ids: [runs[0].id, runs[1].id],
		apartMs,
		note: `executions ${runs.map((e) => e.id).join(', ')} (POSTs ${(apartMs / 1000).toFixed(1)} s apart): outcomes ${outcomes.join(', ')}; ${sends} e-mail${sends > 1 ? 's' : ''}, ${stats.byEmail[email.toLowerCase()]} request${sends > 1 ? 's' : ''}`,
	};
}

function inOneProcess(spec: {
	id: string;
	path: string;
	skipIfInvitedWithin?: number;
	email: string;
	order: number;
}): Scenario {
	const skipOff = spec.skipIfInvitedWithin === 0;
	return {
		name: skipOff
			? 'same webhook event twice with "Skip If Invited Within" 0: the second POST sends again'
			: `same webhook event twice, ${APART_MS / 1000} s apart: one e-mail, the second execution routes to Success as "sentBefore"`,
		mode: 'single',
		order: spec.order,
		phase: 'server',
		workflows: () => [
			webhookWorkflow({
				id: spec.id,
				path: spec.path,
				options: skipOff ? { skipIfInvitedWithin: 0 } : {},
			}),
		],
		publish: true,
		async run(ctx) {
			const { rest, sim } = ctx;
			const before = await waitUntilListening(ctx, spec.id, spec.path);
			const proof = await proveSameEventTwice({
				sim,
				rest,
				url: webhookUrl(ctx, spec.path),
				email: spec.email,
				skipOff,
				before,
				waitForExecutions: (count, timeoutMs) => rest.waitForExecutions(spec.id, count, timeoutMs),
			});
			return proof.note;
		},
	};
}

const [FIRST, SECOND] = SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited').map((c) => c.email);

export const sameEvent = inOneProcess({
	id: 'gcoreIamTwice001',
	path: 'gcore-e2e-twice',
	email: FIRST,
	order: 70,
});
export const sameEventSkipOff = inOneProcess({
	id: 'gcoreIamTwice002',
	path: 'gcore-e2e-twice-off',
	skipIfInvitedWithin: 0,
	email: SECOND,
	order: 71,
});

const LABEL = '6. same event on the other worker';

export const sameEventOnOtherWorker: QueueScenario = {
	name: `same webhook event twice, ${APART_MS / 1000} s apart, on the other worker: one e-mail, the second execution routes to Success as "sentBefore"`,
	mode: 'queue',
	order: 60,
	label: LABEL,
	async run(ctx) {
		const { proof, first, second } = await onOtherWorker(
			ctx,
			LABEL,
			CUSTOMER_WORKFLOW,
			(setup, awayFrom) =>
				proveSameEventTwice({ ...setup, email: FIRST, skipOff: false, between: awayFrom }),
			(p) => p.ids,
		);
		measured(LABEL, { 'first POST': `execution ${proof.ids[0]} on ${first}: "sent", 1 request` });
		measured(LABEL, {
			[`second POST (${seconds(proof.apartMs)} after the first)`]: `execution ${proof.ids[1]} on ${second}: Success as "sentBefore", 0 requests; the customer e-mailed once`,
		});
		return `${proof.note}; first on ${first}, second on ${second}`;
	},
};
