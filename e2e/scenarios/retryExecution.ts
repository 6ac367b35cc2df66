/** Issue 12, proof 1, in one n8n process (the proof itself: ../proofs/retriedExecution.ts). */
import { CUSTOMERS, proveRetriedExecution, retriedExecutionWorkflow } from '../proofs/retriedExecution';
import type { Scenario } from './scenario';
import { waitUntilListening, webhookUrl } from '../../harness/n8n/webhook';

const WORKFLOW_ID = 'gcoreIamRetry001';
const PATH = 'gcore-e2e-retry';

export const retryExecution: Scenario = {
	name: `retried execution: a webhook's "Stop Workflow" run of ${CUSTOMERS} stops on an address answering 500; after the fix, n8n's Retry e-mails everyone exactly once`,
	phase: 'server',
	workflows: () => [retriedExecutionWorkflow(WORKFLOW_ID, PATH)],
	beforeStart: (ctx) => ctx.cli.publishWorkflow(WORKFLOW_ID),
	async run(ctx) {
		const { rest, sim } = ctx;
		const before = await waitUntilListening(ctx, WORKFLOW_ID, PATH, { customers: [] });
		const proof = await proveRetriedExecution({
			sim,
			rest,
			url: webhookUrl(ctx, PATH),
			before,
			waitForExecutions: (count, timeoutMs) => rest.waitForExecutions(WORKFLOW_ID, count, timeoutMs),
		});
		return proof.note;
	},
};
