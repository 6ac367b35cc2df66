/**
 * Issue 12 in the real n8n: a "Stop Workflow" run of 300 customers stops when one address keeps
 * answering 500. The fault is cleared and the failed execution retried through n8n's REST API (the
 * executions list's "Retry"): every customer ends up e-mailed exactly once, the formerly failing
 * one included; the retry skips those the failed run had already e-mailed ("sentBefore").
 */
import * as assert from 'node:assert/strict';

import type { SimUser, SimulatorStats } from '../../simulator';
import type { Scenario } from './scenario';
import { post, routedIn, waitUntilListening, webhookUrl, webhookWorkflow } from './webhook';

const WORKFLOW_ID = 'gcoreIamRetry001';
const PATH = 'gcore-e2e-retry';
const CUSTOMERS = 300;
const LATENCY_MS = 100;
const FAILING_INDEX = 20;

const emails = Array.from({ length: CUSTOMERS }, (_, i) => `retry.${String(i).padStart(3, '0')}@invited.example.com`);
const FAILING = emails[FAILING_INDEX];
const users: SimUser[] = emails.map((email) => ({ email, status: 'invited' }));

/** The CRM posts its export: one item per customer in the body. */
const SPLIT = 'return ($input.first().json.body.customers ?? []).map((c) => ({ json: c }));';

function sentIn(stats: SimulatorStats, email: string): number {
	return stats.sentByEmail[email] ?? 0;
}

export const retryExecution: Scenario = {
	name: `retried execution: a webhook's "Stop Workflow" run of ${CUSTOMERS} stops on an address answering 500; after the fix, n8n's Retry e-mails everyone exactly once`,
	phase: 'server',
	workflows: () => [webhookWorkflow({ id: WORKFLOW_ID, path: PATH, codeBefore: SPLIT })],
	beforeStart: (ctx) => ctx.cli.publishWorkflow(WORKFLOW_ID),
	async run(ctx) {
		const { rest, sim } = ctx;
		const url = webhookUrl(ctx, PATH);
		const before = await waitUntilListening(ctx, WORKFLOW_ID, PATH, { customers: [] });
		await sim.prepare({ users, latencyMs: LATENCY_MS });
		await sim.addFault(FAILING, { status: 500 });
		assert.equal(await post(url, { customers: emails.map((email) => ({ email })) }), 200, 'POST of the export');
		const [failed] = (await rest.waitForExecutions(WORKFLOW_ID, before + 1, 120_000)).slice(before);
		assert.equal(failed.status, 'error', `the first execution should fail (Stop Workflow): ${failed.status}`);
		const first = await sim.stats();
		assert.ok(sentIn(first, FAILING) === 0 && (first.byEmail[FAILING] ?? 0) > 1, `${FAILING}: answered 500 on every try (${first.byEmail[FAILING]} requests)`);
		const sentFirst = emails.filter((e) => sentIn(first, e) === 1).length;
		assert.ok(sentFirst > 0 && sentFirst < CUSTOMERS - 1, `the failed run e-mailed ${sentFirst} of ${CUSTOMERS}: the retry would prove nothing`);

		await sim.prepare({ users, latencyMs: LATENCY_MS });
		await rest.retryExecution(failed.id);
		const all = await rest.waitForExecutions(WORKFLOW_ID, before + 2, 120_000);
		const retry = all.find((e) => e.retryOf === failed.id);
		assert.ok(retry, `no execution with retryOf ${failed.id}: ${JSON.stringify(all.slice(before))}`);
		assert.equal(retry.mode, 'retry');
		assert.equal(retry.status, 'success', `the retried execution: ${retry.status}`);
		const second = await sim.stats();
		const twice = emails.filter((e) => sentIn(first, e) + sentIn(second, e) !== 1);
		assert.deepEqual(twice, [], 'customers not e-mailed exactly once over both executions');
		const routed = await routedIn(rest, retry.id);
		assert.deepEqual(routed.map((r) => r.email), emails, 'the retry routes every customer to Success, in input order');
		assert.ok(routed.every((r) => r.branch === 0));
		const sentBefore = routed.filter((r) => r.outcome === 'sentBefore').map((r) => r.email);
		assert.deepEqual(sentBefore, emails.filter((e) => sentIn(first, e) === 1), 'the retry skips exactly those the failed run e-mailed ("sentBefore")');
		assert.equal(routed.find((r) => r.email === FAILING)?.outcome, 'sent', `${FAILING} is sent by the retry`);
		return `failed execution ${failed.id} e-mailed ${sentFirst}; retry ${retry.id} e-mailed ${CUSTOMERS - sentFirst} (${FAILING} included), skipped ${sentBefore.length} as "sentBefore"; ${second.requests} requests in the retry`;
	},
};
