/**
 * Scenario 6: issue 12's proof 2 across workers (the proof: ../../proofs/sameEventTwice.ts). The
 * same webhook event is POSTed twice, 5 s apart, to the per-customer workflow; the worker that ran
 * the first execution is stopped before the second POST, so the second runs on the other worker
 * and knows of the first send only through n8n's deduplication store in PostgreSQL.
 */
import { SAMPLE_CUSTOMERS } from '../../../simulator';
import { APART_MS, proveSameEventTwice } from '../../proofs/sameEventTwice';
import { seconds } from '../../../harness/queue/executions';
import { onOtherWorker } from '../otherWorker';
import { measured } from '../report';
import { CUSTOMER_WORKFLOW } from '../workflows';
import type { QueueScenario } from './scenario';

const LABEL = '6. same event on the other worker';
const EMAIL = SAMPLE_CUSTOMERS.find((c) => c.status === 'invited')!.email;

export const sameEventOnOtherWorker: QueueScenario = {
	name: `same webhook event twice, ${APART_MS / 1000} s apart, on the other worker: one e-mail, the second execution routes to Success as "sentBefore"`,
	label: LABEL,
	async run(ctx) {
		const { proof, first, second } = await onOtherWorker(
			ctx,
			LABEL,
			CUSTOMER_WORKFLOW,
			(setup, awayFrom) => proveSameEventTwice({ ...setup, email: EMAIL, skipOff: false, between: awayFrom }),
			(p) => p.ids,
		);
		measured(LABEL, 'first POST', `execution ${proof.ids[0]} on ${first}: "sent", 1 request`);
		measured(LABEL, `second POST (${seconds(proof.apartMs)} after the first)`, `execution ${proof.ids[1]} on ${second}: Success as "sentBefore", 0 requests; the customer e-mailed once`);
		return `${proof.note}; first on ${first}, second on ${second}`;
	},
};
