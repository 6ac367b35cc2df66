/**
 * Issue 12, proof 1: a "Stop Workflow" run of 300 customers stops when one address keeps answering
 * 500. The fault is cleared and the failed execution retried through n8n's REST API (the executions
 * list's "Retry"): every customer ends up e-mailed exactly once, the formerly failing one included;
 * the retry skips those the failed run had already e-mailed ("sentBefore"). The proof is run by
 * both modes; the mode says how it reads the workflow's executions and what happens between the
 * failure and the retry:
 * - single: in one n8n process;
 * - queue (scenario 5): the run fails on one worker; that worker is stopped, so n8n's Retry (REST,
 *   mode 'retry', which main always queues to a worker) can only run on the other: what the first
 *   worker sent is known there only through n8n's deduplication store in PostgreSQL.
 */
import * as assert from 'node:assert/strict';

import type { SimUser, SimulatorStats } from '../../simulator';
import { waitUntilListening, webhookUrl } from '../../harness/n8n/webhook';
import { post, SPLIT_EXPORT, webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import type { WorkflowJson } from '../../harness/workflows/workflowJson';
import { measured } from '../measured';
import { onOtherWorker } from '../otherWorker';
import { routedIn } from '../routedIn';
import type { ProofSetup, QueueScenario, Scenario } from '../scenario';

const CUSTOMERS = 300;
const LATENCY_MS = 100;
const FAILING_INDEX = 20;

const emails = Array.from(
	{ length: CUSTOMERS },
	(_, i) => `retry.${String(i).padStart(3, '0')}@invited.example.com`,
);
const FAILING = emails[FAILING_INDEX];
const users: SimUser[] = emails.map((email) => ({ email, status: 'invited' }));

/** Webhook → Code (one item per customer of the POSTed export) → Gcore IAM (default "Stop Workflow" and options) → the three branches. */
function retriedExecutionWorkflow(id: string, path: string): WorkflowJson {
	return webhookWorkflow({ id, path, codeBefore: SPLIT_EXPORT });
}

interface RetriedExecutionSetup extends ProofSetup {
	/** After the failed execution and the clearing of the fault, before the retry. */
	beforeRetry?(failedId: string): Promise<void>;
}

interface RetriedExecutionResult {
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

async function proveRetriedExecution(
	setup: RetriedExecutionSetup,
): Promise<RetriedExecutionResult> {
	const { rest, sim, before } = setup;
	await sim.prepare({ users, latencyMs: LATENCY_MS });
	await sim.addFault(FAILING, { status: 500 });
	assert.equal(
		await post(setup.url, { customers: emails.map((email) => ({ email })) }),
		200,
		'POST of the export',
	);
	const [failed] = (await setup.waitForExecutions(before + 1, 120_000)).slice(before);
	assert.equal(
		failed.status,
		'error',
		`the first execution should fail (Stop Workflow): ${failed.status}`,
	);
	const first = await sim.stats();
	assert.ok(
		sentIn(first, FAILING) === 0 && (first.byEmail[FAILING] ?? 0) > 1,
		`${FAILING}: answered 500 on every try (${first.byEmail[FAILING]} requests)`,
	);
	const sentFirst = emails.filter((e) => sentIn(first, e) === 1).length;
	assert.ok(
		sentFirst > 0 && sentFirst < CUSTOMERS - 1,
		`the failed run e-mailed ${sentFirst} of ${CUSTOMERS}: the retry would prove nothing`,
	);

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
	assert.deepEqual(
		routed.map((r) => r.email),
		emails,
		'the retry routes every customer to Success, in input order',
	);
	assert.ok(routed.every((r) => r.branch === 0));
	const sentBefore = routed.filter((r) => r.outcome === 'sentBefore').map((r) => r.email);
	assert.deepEqual(
		sentBefore,
		emails.filter((e) => sentIn(first, e) === 1),
		'the retry skips exactly those the failed run e-mailed ("sentBefore")',
	);
	assert.equal(
		routed.find((r) => r.email === FAILING)?.outcome,
		'sent',
		`${FAILING} is sent by the retry`,
	);
	return {
		failedId: failed.id,
		retryId: retry.id,
		sentFirst,
		skipped: sentBefore.length,
		retryRequests: second.requests,
		note: `failed execution ${failed.id} e-mailed ${sentFirst}; retry ${retry.id} e-mailed ${CUSTOMERS - sentFirst} (${FAILING} included), skipped ${sentBefore.length} as "sentBefore"; ${second.requests} requests in the retry`,
	};
}

const WORKFLOW_ID = 'gcoreIamRetry001';
const PATH = 'gcore-e2e-retry';

export const retryExecution: Scenario = {
	name: `retried execution: a webhook's "Stop Workflow" run of ${CUSTOMERS} stops on an address answering 500; after the fix, n8n's Retry e-mails everyone exactly once`,
	mode: 'single',
	order: 80,
	phase: 'server',
	workflows: () => [retriedExecutionWorkflow(WORKFLOW_ID, PATH)],
	publish: true,
	async run(ctx) {
		const { rest, sim } = ctx;
		const before = await waitUntilListening(ctx, WORKFLOW_ID, PATH, { customers: [] });
		const proof = await proveRetriedExecution({
			sim,
			rest,
			url: webhookUrl(ctx, PATH),
			before,
			waitForExecutions: (count, timeoutMs) =>
				rest.waitForExecutions(WORKFLOW_ID, count, timeoutMs),
		});
		return proof.note;
	},
};

const QUEUE_WORKFLOW = { id: 'gcoreQueueRetry1', path: 'gcore-queue-retry' };
const LABEL = '5. retry on the other worker';

export const retryOnOtherWorker: QueueScenario = {
	name: `retried execution on the other worker: a "Stop Workflow" run of ${CUSTOMERS} fails on one worker (an address answering 500); with that worker stopped, n8n's Retry runs on the other and e-mails everyone exactly once`,
	mode: 'queue',
	order: 50,
	label: LABEL,
	workflows: () => [retriedExecutionWorkflow(QUEUE_WORKFLOW.id, QUEUE_WORKFLOW.path)],
	async run(ctx) {
		const { proof, first, second } = await onOtherWorker(
			ctx,
			LABEL,
			QUEUE_WORKFLOW,
			(setup, awayFrom) => proveRetriedExecution({ ...setup, beforeRetry: awayFrom }),
			(p) => [p.failedId, p.retryId],
		);
		measured(LABEL, {
			'failed execution ("Stop Workflow")': `${proof.failedId} on ${first}: e-mailed ${proof.sentFirst} of ${CUSTOMERS}, stopped by ${FAILING} (500 on every try)`,
			"n8n's Retry (POST /rest/executions/<id>/retry)": `${proof.retryId} on ${second}: e-mailed ${CUSTOMERS - proof.sentFirst} (${proof.retryRequests} requests), ${proof.skipped} on Success as "sentBefore"`,
			'customers e-mailed exactly once over both executions': `${CUSTOMERS} of ${CUSTOMERS}`,
		});
		return `${proof.note}; failed on ${first}, retried on ${second}`;
	},
};
