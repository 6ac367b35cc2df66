/**
 * Issue 9 in the real n8n: a CRM fires one webhook per new customer, 100 at once, at an API that
 * takes 300 ms and admits 5 requests in flight (429 + Retry-After: 1 beyond). Every execution
 * succeeds, every customer is routed and e-mailed exactly once, and the API answers hardly any
 * 429: the executions share what they learn about the account's limits instead of colliding.
 */
import * as assert from 'node:assert/strict';

import type { SimUser } from '../../simulator';
import { say } from '../../harness/log';
import type { Scenario } from '../scenario';
import { routedIn, type Routed } from '../routedIn';
import { OUTPUT_NAMES } from '../../harness/names';
import { webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import { deliver, waitUntilListening, webhookUrl } from '../../harness/n8n/webhook';

const WORKFLOW_ID = 'gcoreIamBurst001';
const PATH = 'gcore-e2e-burst';
const POSTS = 100;
const LATENCY_MS = 300;
const ADMITS = 5;
const OUTCOMES = ['sent', 'alreadyActivated', 'notFound'];
/** A few 429s while the account's limit is learned; executions that each learn it alone draw hundreds. */
const MAX_429 = 20;

/** One customer per POST: 8 in 10 invited (Success), 1 already active, 1 unknown to the API. */
function customers(): Array<{ email: string; branch: number }> {
	return Array.from({ length: POSTS }, (_, i) => {
		const branch = i % 10 === 8 ? 1 : i % 10 === 9 ? 2 : 0;
		return {
			email: `burst.${String(i).padStart(3, '0')}@${['invited', 'active', 'unknown'][branch]}.example.com`,
			branch,
		};
	});
}

export const webhookBurst: Scenario = {
	name: `webhook burst: ${POSTS} concurrent POSTs, one customer each, API at ${LATENCY_MS} ms admitting ${ADMITS}: all succeed, each routed and e-mailed once`,
	mode: 'single',
	order: 60,
	phase: 'server',
	workflows: () => [webhookWorkflow({ id: WORKFLOW_ID, path: PATH })],
	publish: true,
	async run(ctx) {
		const { rest, sim } = ctx;
		const list = customers();
		const users: SimUser[] = list
			.filter((c) => c.branch < 2)
			.map((c) => ({ email: c.email, status: c.branch === 0 ? 'invited' : 'active' }));
		const url = webhookUrl(ctx, PATH);
		const before = await waitUntilListening(ctx, WORKFLOW_ID, PATH);
		await sim.prepare({
			users,
			latencyMs: LATENCY_MS,
			maxInFlight: ADMITS,
			rateLimitRetryAfter: 1,
		});

		const t0 = Date.now();
		const answers = await Promise.all(
			list.map((c) => deliver(url, { email: c.email, name: `Customer ${c.email}` })),
		);
		const answeredMs = Date.now() - t0;
		assert.deepEqual(
			answers.map((a) => a.status).filter((s) => s !== 200),
			[],
			'webhook answers other than 200 (after redelivering 503s)',
		);
		const redelivered = answers.reduce((n, a) => n + a.redelivered, 0);
		const all = (await rest.waitForExecutions(WORKFLOW_ID, before + POSTS, 300_000)).slice(before);
		const lastStop = Math.max(...all.map((e) => Date.parse(e.stoppedAt ?? '')));
		const wallMs = lastStop - t0;
		const stats = await sim.stats();

		assert.equal(all.length, POSTS, 'executions of the burst');
		const notOk = all.filter((e) => e.status !== 'success');
		assert.deepEqual(
			notOk.map((e) => `${e.id}: ${e.status}`),
			[],
			'executions that did not succeed',
		);
		const routed: Routed[] = [];
		for (const e of all) routed.push(...(await routedIn(rest, e.id)));
		const byEmail = new Map(routed.map((r) => [r.email, r]));
		assert.equal(routed.length, POSTS, `items routed in all executions: ${routed.length}`);
		const wrong = list.flatMap((c) => {
			const r = byEmail.get(c.email);
			const got = `${r ? OUTPUT_NAMES[r.branch] : 'no output'} ${r?.outcome}, ${stats.sentByEmail[c.email] ?? 0} e-mails`;
			const want = `${OUTPUT_NAMES[c.branch]} ${OUTCOMES[c.branch]}, ${c.branch === 0 ? 1 : 0} e-mails`;
			return got === want ? [] : [`${c.email}: ${got}, expected ${want}`];
		});
		assert.deepEqual(wrong.slice(0, 10), [], 'customers off their branch, outcome or e-mail count');
		// Executions that learn the limit alone collide: with nothing shared this burst drew 984 × 429 (all still succeeded within the wait budget); shared, 0.
		const tooMany = stats.statusCounts['429'] ?? 0;
		assert.ok(
			tooMany <= MAX_429,
			`${tooMany} × 429 (at most ${MAX_429}): the executions collide instead of queueing behind the account's shared limit`,
		);
		const invited = list.filter((c) => c.branch === 0).length;
		const line = `${POSTS} executions succeeded; Success ${invited}, Already Activated ${POSTS / 10}, Not Found ${POSTS / 10}; each invited customer e-mailed once; wall time ${(wallMs / 1000).toFixed(1)} s (first POST to last execution stopped; POSTs answered in ${(answeredMs / 1000).toFixed(1)} s${redelivered ? `, ${redelivered} redelivered after n8n's 503 "Database is not ready!"` : ''}); API: ${stats.requests} requests, ${stats.statusCounts['429'] ?? 0} × 429, peak ${stats.maxInFlight} in flight`;
		say(`webhook burst on n8n ${ctx.n8n.version}: ${line}`);
		return line;
	},
};
