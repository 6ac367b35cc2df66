/**
 * Issue 12, proof 1, as the single-process e2e and queue mode both run it: a "Stop Workflow" run of
 * 300 customers stops when one address keeps answering 500. The fault is cleared and the failed
 * execution retried through n8n's REST API (the executions list's "Retry"): every customer ends up
 * e-mailed exactly once, the formerly failing one included; the retry skips those the failed run
 * had already e-mailed ("sentBefore"). The caller says how it reads the workflow's executions and
 * what happens between the failure and the retry (queue mode: the worker that ran it is stopped).
 */
import * as assert from 'node:assert/strict';

import type { SimUser, SimulatorStats } from '../../simulator';
import { routedIn } from '../routedIn';
import { post, SPLIT_EXPORT, webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import type { WorkflowJson } from '../../harness/workflows/workflowJson';
import type { ProofSetup } from './proofSetup';

export const CUSTOMERS = 300;
const LATENCY_MS = 100;
const FAILING_INDEX = 20;

const emails = Array.from({ length: CUSTOMERS }, (_, i) => `retry.${String(i).padStart(3, '0')}@invited.example.com`);
export const FAILING = emails[FAILING_INDEX];
const users: SimUser[] = emails.map((email) => ({ email, status: 'invited' }));

/** Webhook → Code (one item per customer of the POSTed export) → Gcore IAM (default "Stop Workflow" and options) → the three branches. */
export function retriedExecutionWorkflow(id: string, path: string): WorkflowJson {
	return webhookWorkflow({ id, path, codeBefore: SPLIT_EXPORT });
}

export interface RetriedExecutionSetup extends ProofSetup {
	/** After the failed execution and the clearing of the fault, before the retry. */
	beforeRetry?(failedId: string): Promise<void>;
}

export interface RetriedExecutionResult {
	failedId: string;
	retryId: string;
	/** e-mailed by the failed execution */
	sentFirst: number;
	/** routed to Success as "sentBefore" by the retry */
	skipped: number;
	/** requests the retry made */
	retryRequests: number;
	note: string;
}

function sentIn(stats: SimulatorStats, email: string): number {
	return stats.sentByEmail[email] ?? 0;
}

export async function proveRetriedExecution(setup: RetriedExecutionSetup): Promise<RetriedExecutionResult> {
	const { rest, sim, before } = setup;
	await sim.prepare({ users, latencyMs: LATENCY_MS });
	await sim.addFault(FAILING, { status: 500 });
	assert.equal(await post(setup.url, { customers: emails.map((email) => ({ email })) }), 200, 'POST of the export');
	const [failed] = (await setup.waitForExecutions(before + 1, 120_000)).slice(before);
	assert.equal(failed.status, 'error', `the first execution should fail (Stop Workflow): ${failed.status}`);
	const first = await sim.stats();
	assert.ok(sentIn(first, FAILING) === 0 && (first.byEmail[FAILING] ?? 0) > 1, `${FAILING}: answered 500 on every try (${first.byEmail[FAILING]} requests)`);
	const sentFirst = emails.filter((e) => sentIn(first, e) === 1).length;
	assert.ok(sentFirst > 0 && sentFirst < CUSTOMERS - 1, `the failed run e-mailed ${sentFirst} of ${CUSTOMERS}: the retry would prove nothing`);

	await sim.prepare({ users, latencyMs: LATENCY_MS });
	await setup.beforeRetry?.(failed.id);
	await rest.retryExecution(failed.id);
	const all = await setup.waitForExecutions(before + 2, 300_000);
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
	return {
		failedId: failed.id,
		retryId: retry.id,
		sentFirst,
		skipped: sentBefore.length,
		retryRequests: second.requests,
		note: `failed execution ${failed.id} e-mailed ${sentFirst}; retry ${retry.id} e-mailed ${CUSTOMERS - sentFirst} (${FAILING} included), skipped ${sentBefore.length} as "sentBefore"; ${second.requests} requests in the retry`,
	};
}
