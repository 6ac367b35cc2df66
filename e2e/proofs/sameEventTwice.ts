/**
 * Issue 12, proofs 2 and 3, as the single-process e2e and queue mode both run them: a CRM delivers
 * the same "new customer" webhook twice, 5 s apart. With the default "Skip If Invited Within"
 * (10 min) the customer gets one e-mail and the second execution routes them to Success with
 * invitation.outcome "sentBefore", no request made (n8n's deduplication store remembers the send
 * across executions). Set to 0, the second POST sends again. The caller says how it reads the
 * workflow's executions and what happens between the two POSTs (queue mode: the worker that ran
 * the first is stopped).
 */
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { routedIn } from '../routedIn';
import { post } from '../../harness/workflows/webhookWorkflow';
import type { ProofSetup } from './proofSetup';

export const APART_MS = 5000;

export interface SameEventSetup extends ProofSetup {
	/** The customer: invited, as the simulator knows them after a reset. */
	email: string;
	/** The workflow's "Skip If Invited Within" is 0. */
	skipOff: boolean;
	/** After the first execution has finished, before the second POST. */
	between?(firstId: string): Promise<void>;
}

export interface SameEventResult {
	ids: [string, string];
	/** from the first POST to the second */
	apartMs: number;
	note: string;
}

export async function proveSameEventTwice(setup: SameEventSetup): Promise<SameEventResult> {
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
		assert.deepEqual(routed.map((r) => [r.email, r.branch]), [[email, 0]], `execution ${e.id} routes the customer to Success`);
		outcomes.push(routed[0].outcome);
	}
	assert.deepEqual(outcomes, ['sent', skipOff ? 'sent' : 'sentBefore'], 'invitation.outcome of the first and second execution');
	const stats = await sim.stats();
	const sends = skipOff ? 2 : 1;
	assert.equal(stats.sentByEmail[email.toLowerCase()] ?? 0, sends, `e-mails the API sent to ${email}`);
	assert.equal(stats.byEmail[email.toLowerCase()] ?? 0, sends, `requests for ${email}`);
	return {
		ids: [runs[0].id, runs[1].id],
		apartMs,
		note: `executions ${runs.map((e) => e.id).join(', ')} (POSTs ${(apartMs / 1000).toFixed(1)} s apart): outcomes ${outcomes.join(', ')}; ${sends} e-mail${sends > 1 ? 's' : ''}, ${stats.byEmail[email.toLowerCase()]} request${sends > 1 ? 's' : ''}`,
	};
}
