// Issue 12, proof 1: n8n's Retry of a failed "Stop Workflow" run e-mails everyone exactly once; in queue mode (5)
// on the other worker, which knows what the first sent only through n8n's store in PostgreSQL.
import * as assert from 'node:assert/strict';

import { post, SPLIT_EXPORT, webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import { onOtherWorker } from '../otherWorker';
import * as steps from '../webhookSteps';

const CUSTOMERS = 300;
const { emails, users } = steps.invitedCustomers('retry', CUSTOMERS);
const FAILING = emails[20];

/** `beforeRetry`: after the failed execution and the clearing of the fault. */
async function proveRetriedExecution(
	hook: steps.Hook,
	beforeRetry?: (failedId: string) => Promise<void>,
) {
	const { rest, sim } = hook;
	await sim.prepare({ users, latencyMs: 100 });
	await sim.addFault(FAILING, { status: 500 });
	const known = await steps.idsOf(hook);
	const exported = { customers: emails.map((email) => ({ email })) };
	assert.equal(await post(hook.url, exported), 200, 'POST of the export');
	const [failed] = await steps.waitFor(hook, known, steps.ended(1), 120_000);
	assert.equal(failed.status, 'error', `the first execution should fail (Stop Workflow)`);
	const first = await sim.stats();
	assert.ok(
		steps.sent(first, FAILING) === 0 && (first.byEmail[FAILING] ?? 0) > 1,
		`${FAILING}: answered 500 on every try (${first.byEmail[FAILING]} requests)`,
	);
	const sentFirst = emails.filter((e) => steps.sent(first, e) === 1);
	assert.ok(
		sentFirst.length > 0 && sentFirst.length < CUSTOMERS - 1,
		`the failed run e-mailed ${sentFirst.length} of ${CUSTOMERS}: the retry would prove nothing`,
	);

	await sim.prepare({ users, latencyMs: 100 });
	await beforeRetry?.(failed.id);
	await rest.retryExecution(failed.id);
	const all = await steps.waitFor(hook, known, steps.ended(2), 300_000);
	const retry = all.find((e) => e.retryOf === failed.id);
	assert.ok(retry, `no execution with retryOf ${failed.id}: ${JSON.stringify(all)}`);
	assert.equal(retry.mode, 'retry');
	assert.equal(retry.status, 'success', `the retried execution: ${retry.status}`);
	const second = await sim.stats();
	const notOnce = emails.filter((e) => steps.sent(first, e) + steps.sent(second, e) !== 1);
	assert.deepEqual(notOnce, [], 'customers not e-mailed exactly once over both executions');
	const routed = await steps.routedIn(rest, retry.id);
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

export const retryExecution = steps.webhookScenario({
	name: `retried execution: a webhook's "Stop Workflow" run of ${CUSTOMERS} stops on an address answering 500; after the fix, n8n's Retry e-mails everyone exactly once`,
	order: 80,
	workflows: [{ id: 'gcoreIamRetry001', path: 'gcore-e2e-retry', codeBefore: SPLIT_EXPORT }],
	probe: { customers: [] },
	prove: async ([hook]) => (await proveRetriedExecution(hook)).note,
});

const QUEUE_WORKFLOW = { id: 'gcoreQueueRetry1', path: 'gcore-queue-retry' };

export const retryOnOtherWorker = onOtherWorker({
	name: `retried execution on the other worker: a "Stop Workflow" run of ${CUSTOMERS} fails on one worker (an address answering 500); with that worker stopped, n8n's Retry runs on the other and e-mails everyone exactly once`,
	order: 50,
	label: '5. retry on the other worker',
	workflow: QUEUE_WORKFLOW,
	workflows: () => [webhookWorkflow({ ...QUEUE_WORKFLOW, codeBefore: SPLIT_EXPORT })],
	prove: proveRetriedExecution,
	rows: ({ ids: [failedId, retryId], sentFirst, retryRequests }, first, second) => ({
		'failed execution ("Stop Workflow")': `${failedId} on ${first}: e-mailed ${sentFirst} of ${CUSTOMERS}, stopped by ${FAILING} (500 on every try)`,
		"n8n's Retry (POST /rest/executions/<id>/retry)": `${retryId} on ${second}: e-mailed ${CUSTOMERS - sentFirst} (${retryRequests} requests), ${sentFirst} on Success as "sentBefore"`,
		'customers e-mailed exactly once over both executions': `${CUSTOMERS} of ${CUSTOMERS}`,
	}),
});
