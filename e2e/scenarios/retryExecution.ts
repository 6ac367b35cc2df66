/**
 * Issue 12, proof 1: a "Stop Workflow" run of 300 customers stops on an address that keeps
 * answering 500. The fault is cleared and the failed execution retried through n8n's REST API (the
 * executions list's "Retry"): the retry skips those the failed run e-mailed ("sentBefore") and
 * e-mails the rest, so everyone is e-mailed exactly once. In one process, and in queue mode (5)
 * with the failing worker stopped, so the Retry runs on the other and knows what the first sent
 * only through n8n's deduplication store in PostgreSQL.
 */
import * as assert from 'node:assert/strict';

import type { SimUser } from '../../simulator';
import { waitUntilListening } from '../../harness/n8n/webhook';
import { post, SPLIT_EXPORT, webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import { measured } from '../measured';
import { onOtherWorker } from '../otherWorker';
import type { QueueScenario, Scenario } from '../scenario';
import { ended, hookIn, idsOf, routedIn, sent, waitFor, type Hook } from '../webhookSteps';

const CUSTOMERS = 300;
const emails = Array.from(
	{ length: CUSTOMERS },
	(_, i) => `retry.${String(i).padStart(3, '0')}@invited.example.com`,
);
const FAILING = emails[20];
const users: SimUser[] = emails.map((email) => ({ email, status: 'invited' }));

/** `beforeRetry`: after the failed execution and the clearing of the fault. */
async function proveRetriedExecution(
	hook: Hook,
	beforeRetry?: (failedId: string) => Promise<void>,
) {
	const { rest, sim } = hook;
	await sim.prepare({ users, latencyMs: 100 });
	await sim.addFault(FAILING, { status: 500 });
	const known = await idsOf(hook);
	const exported = { customers: emails.map((email) => ({ email })) };
	assert.equal(await post(hook.url, exported), 200, 'POST of the export');
	const [failed] = await waitFor(hook, known, ended(1), 120_000);
	assert.equal(failed.status, 'error', `the first execution should fail (Stop Workflow)`);
	const first = await sim.stats();
	assert.ok(
		sent(first, FAILING) === 0 && (first.byEmail[FAILING] ?? 0) > 1,
		`${FAILING}: answered 500 on every try (${first.byEmail[FAILING]} requests)`,
	);
	const sentFirst = emails.filter((e) => sent(first, e) === 1);
	assert.ok(
		sentFirst.length > 0 && sentFirst.length < CUSTOMERS - 1,
		`the failed run e-mailed ${sentFirst.length} of ${CUSTOMERS}: the retry would prove nothing`,
	);

	await sim.prepare({ users, latencyMs: 100 });
	await beforeRetry?.(failed.id);
	await rest.retryExecution(failed.id);
	const all = await waitFor(hook, known, ended(2), 300_000);
	const retry = all.find((e) => e.retryOf === failed.id);
	assert.ok(retry, `no execution with retryOf ${failed.id}: ${JSON.stringify(all)}`);
	assert.equal(retry.mode, 'retry');
	assert.equal(retry.status, 'success', `the retried execution: ${retry.status}`);
	const second = await sim.stats();
	const notOnce = emails.filter((e) => sent(first, e) + sent(second, e) !== 1);
	assert.deepEqual(notOnce, [], 'customers not e-mailed exactly once over both executions');
	const routed = await routedIn(rest, retry.id);
	assert.deepEqual(
		routed.map((r) => [r.email, r.branch]),
		emails.map((e) => [e, 0]),
		'the retry routes every customer to Success, in input order',
	);
	const skipped = routed.filter((r) => r.outcome === 'sentBefore').map((r) => r.email);
	assert.deepEqual(skipped, sentFirst, 'the retry skips exactly those the failed run e-mailed');
	assert.equal(routed[20].outcome, 'sent', `${FAILING} is sent by the retry`);
	return {
		ids: [failed.id, retry.id] as [string, string],
		sentFirst: sentFirst.length,
		retryRequests: second.requests,
		note: `failed execution ${failed.id} e-mailed ${sentFirst.length}; retry ${retry.id} e-mailed ${CUSTOMERS - sentFirst.length} (${FAILING} included), skipped ${skipped.length} as "sentBefore"; ${second.requests} requests in the retry`,
	};
}

const ID = 'gcoreIamRetry001';
const PATH = 'gcore-e2e-retry';

export const retryExecution: Scenario = {
	name: `retried execution: a webhook's "Stop Workflow" run of ${CUSTOMERS} stops on an address answering 500; after the fix, n8n's Retry e-mails everyone exactly once`,
	mode: 'single',
	order: 80,
	phase: 'server',
	workflows: () => [webhookWorkflow({ id: ID, path: PATH, codeBefore: SPLIT_EXPORT })],
	publish: true,
	async run(ctx) {
		await waitUntilListening(ctx, ID, PATH, { customers: [] });
		return (await proveRetriedExecution(hookIn(ctx, ID, PATH))).note;
	},
};

const QUEUE_WORKFLOW = { id: 'gcoreQueueRetry1', path: 'gcore-queue-retry' };
const LABEL = '5. retry on the other worker';

export const retryOnOtherWorker: QueueScenario = {
	name: `retried execution on the other worker: a "Stop Workflow" run of ${CUSTOMERS} fails on one worker (an address answering 500); with that worker stopped, n8n's Retry runs on the other and e-mails everyone exactly once`,
	mode: 'queue',
	order: 50,
	label: LABEL,
	workflows: () => [webhookWorkflow({ ...QUEUE_WORKFLOW, codeBefore: SPLIT_EXPORT })],
	async run(ctx) {
		const { proof, first, second } = await onOtherWorker(
			ctx,
			LABEL,
			QUEUE_WORKFLOW,
			proveRetriedExecution,
			(p) => p.ids,
		);
		const [failedId, retryId] = proof.ids;
		measured(LABEL, {
			'failed execution ("Stop Workflow")': `${failedId} on ${first}: e-mailed ${proof.sentFirst} of ${CUSTOMERS}, stopped by ${FAILING} (500 on every try)`,
			"n8n's Retry (POST /rest/executions/<id>/retry)": `${retryId} on ${second}: e-mailed ${CUSTOMERS - proof.sentFirst} (${proof.retryRequests} requests), ${proof.sentFirst} on Success as "sentBefore"`,
			'customers e-mailed exactly once over both executions': `${CUSTOMERS} of ${CUSTOMERS}`,
		});
		return `${proof.note}; failed on ${first}, retried on ${second}`;
	},
};
