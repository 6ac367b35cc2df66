/** Issue 12, proofs 2 and 3, in one n8n process (the proof itself: ../proofs/sameEventTwice.ts). */
import { SAMPLE_CUSTOMERS } from '../../simulator';
import { APART_MS, proveSameEventTwice } from '../proofs/sameEventTwice';
import { webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import type { Scenario } from './scenario';
import { waitUntilListening, webhookUrl } from '../../harness/n8n/webhook';

function sameEventTwice(spec: { id: string; path: string; skipIfInvitedWithin?: number; email: string }): Scenario {
	const skipOff = spec.skipIfInvitedWithin === 0;
	return {
		name: skipOff
			? 'same webhook event twice with "Skip If Invited Within" 0: the second POST sends again'
			: `same webhook event twice, ${APART_MS / 1000} s apart: one e-mail, the second execution routes to Success as "sentBefore"`,
		phase: 'server',
		workflows: () => [webhookWorkflow({ id: spec.id, path: spec.path, options: skipOff ? { skipIfInvitedWithin: 0 } : {} })],
		beforeStart: (ctx) => ctx.cli.publishWorkflow(spec.id),
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

export const sameEvent = sameEventTwice({ id: 'gcoreIamTwice001', path: 'gcore-e2e-twice', email: FIRST });
export const sameEventSkipOff = sameEventTwice({ id: 'gcoreIamTwice002', path: 'gcore-e2e-twice-off', skipIfInvitedWithin: 0, email: SECOND });
