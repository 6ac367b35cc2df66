/**
 * Issue 12 in the real n8n: a CRM delivers the same "new customer" webhook twice, 5 s apart.
 * With the default "Skip If Invited Within" (10 min) the customer gets one e-mail and the second
 * execution routes them to Success with invitation.outcome "sentBefore", no request made (n8n's
 * deduplication store remembers the send across executions). Set to 0, the second POST sends again.
 */
import * as assert from 'node:assert/strict';

import { SAMPLE_CUSTOMERS } from '../../simulator';
import type { Scenario } from './scenario';
import { post, routedIn, waitUntilListening, webhookUrl, webhookWorkflow } from './webhook';

const APART_MS = 5000;

function sameEventTwice(spec: { id: string; path: string; skipIfInvitedWithin?: number; email: string }): Scenario {
	const skipOff = spec.skipIfInvitedWithin === 0;
	const second = skipOff ? 'sent' : 'sentBefore';
	return {
		name: skipOff
			? 'same webhook event twice with "Skip If Invited Within" 0: the second POST sends again'
			: `same webhook event twice, ${APART_MS / 1000} s apart: one e-mail, the second execution routes to Success as "sentBefore"`,
		phase: 'server',
		workflows: () => [webhookWorkflow({ id: spec.id, path: spec.path, options: skipOff ? { skipIfInvitedWithin: 0 } : {} })],
		beforeStart: (ctx) => ctx.cli.publishWorkflow(spec.id),
		async run(ctx) {
			const { rest, sim } = ctx;
			const url = webhookUrl(ctx, spec.path);
			const before = await waitUntilListening(ctx, spec.id, spec.path);
			await sim.reset();
			const event = { email: spec.email, name: 'Maria Garcia', company: 'Northwind Traders' };
			const t0 = Date.now();
			assert.equal(await post(url, event), 200, 'first POST');
			await rest.waitForExecutions(spec.id, before + 1, 60_000);
			await new Promise((r) => setTimeout(r, Math.max(0, t0 + APART_MS - Date.now())));
			assert.equal(await post(url, event), 200, 'second POST');
			const runs = (await rest.waitForExecutions(spec.id, before + 2, 60_000)).slice(before);
			assert.equal(runs.length, 2, 'executions of the two POSTs');
			const outcomes = [];
			for (const e of runs) {
				const routed = await routedIn(rest, e.id);
				assert.deepEqual(routed.map((r) => [r.email, r.branch]), [[spec.email, 0]], `execution ${e.id} routes the customer to Success`);
				outcomes.push(routed[0].outcome);
			}
			assert.deepEqual(outcomes, ['sent', second], 'invitation.outcome of the first and second execution');
			const stats = await sim.stats();
			const sends = skipOff ? 2 : 1;
			assert.equal(stats.sentByEmail[spec.email.toLowerCase()] ?? 0, sends, `e-mails the API sent to ${spec.email}`);
			assert.equal(stats.byEmail[spec.email.toLowerCase()] ?? 0, sends, `requests for ${spec.email}`);
			return `executions ${runs.map((e) => e.id).join(', ')}: outcomes ${outcomes.join(', ')}; ${sends} e-mail${sends > 1 ? 's' : ''}, ${stats.byEmail[spec.email.toLowerCase()]} request${sends > 1 ? 's' : ''}`;
		},
	};
}

const [FIRST, SECOND] = SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited').map((c) => c.email);

export const sameEvent = sameEventTwice({ id: 'gcoreIamTwice001', path: 'gcore-e2e-twice', email: FIRST });
export const sameEventSkipOff = sameEventTwice({ id: 'gcoreIamTwice002', path: 'gcore-e2e-twice-off', skipIfInvitedWithin: 0, email: SECOND });
