/**
 * Queue-mode scenarios 1 and 2: a burst of webhook calls, one customer each, through main and the
 * two workers: the customer mix, the POSTs, and what must hold afterwards: every execution
 * `success` on exactly one worker, both workers used, each customer on its branch, and per address
 * the simulator gave as many final answers (and e-mails) as it was POSTed.
 * 1: 150 calls (repeated, already active and unknown customers among them) at an API taking 20 ms.
 * 2: the same burst against an API that answers in 300 ms and admits 5 requests at once
 * (429 + Retry-After: 1 beyond). Each worker's node learns the limit on its own (its rate-limit
 * knowledge is per process); the node's retries must absorb the 429s: 0 failed, 0 double sends.
 */
import * as assert from 'node:assert/strict';

import type { SimUser, SimulatorOptions } from '../../simulator';
import { say } from '../../harness/log';
import {
	countBy,
	executionsOf,
	listedByPublicApi,
	mapLimit,
	seconds,
	waitForExecutions,
	workerOf,
} from '../../harness/queue/executions';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../../harness/names';
import { routedIn } from '../routedIn';
import { post } from '../../harness/workflows/webhookWorkflow';
import { CUSTOMER_WORKFLOW } from '../../harness/workflows/queueWorkflows';
import { isFinalAnswer } from '../expect';
import { measured } from '../measured';
import type { QueueContext, QueueScenario } from '../scenario';

// A repeated customer may be skipped as sent before (Skip If Invited Within, default 10 min).
const OUTCOMES = [['sent', 'sentBefore'], ['alreadyActivated'], ['notFound']];
/** The CRM's side: this many webhook calls open at once (a queue of 150 executions builds up all the same). */
const POSTS_IN_FLIGHT = 50;

/**
 * n POSTs, one customer each: of every 10, 7 invited customers seen once, 1 an invited customer
 * POSTed again (a repeated CRM event), 1 already active, 1 unknown to the API.
 */
function customerMix(
	n: number,
	domain: string,
): { posts: string[]; users: SimUser[]; expectedBranch: (email: string) => number } {
	const posts = Array.from({ length: n }, (_, i) => {
		const k = i % 10;
		if (k === 7) return `c${i - 7}@${domain}`;
		if (k === 8) return `a${i}@${domain}`;
		if (k === 9) return `u${i}@${domain}`;
		return `c${i}@${domain}`;
	});
	const users = [...new Set(posts)]
		.filter((e) => !e.startsWith('u'))
		.map((email): SimUser => ({ email, status: email.startsWith('a') ? 'active' : 'invited' }));
	const expectedBranch = (email: string) =>
		email.startsWith('c') ? 0 : email.startsWith('a') ? 1 : 2;
	return { posts, users, expectedBranch };
}

async function runBurst(
	ctx: QueueContext,
	label: string,
	opts: { posts: number; domain: string; simulator: Partial<SimulatorOptions> },
): Promise<string> {
	const { cluster, sim } = ctx;
	const mix = customerMix(opts.posts, opts.domain);
	await sim.prepare({ ...opts.simulator, logRequests: true, users: mix.users });
	const before = new Set(
		(await executionsOf(cluster.postgres, CUSTOMER_WORKFLOW.id)).map((e) => e.id),
	);

	const url = `${cluster.main.baseUrl}/webhook/${CUSTOMER_WORKFLOW.path}`;
	const t0 = Date.now();
	const answers = await mapLimit(mix.posts, POSTS_IN_FLIGHT, (email) =>
		post(url, { email }).then(String, (e: Error) => `fetch failed: ${e.message}`),
	);
	const postsMs = Date.now() - t0;
	assert.deepEqual(countBy(answers), { 200: opts.posts }, 'answers of the webhook POSTs');
	say(`${label}: ${opts.posts} POSTs answered in ${seconds(postsMs)}; waiting for the executions`);

	const all = await waitForExecutions(
		cluster.postgres,
		CUSTOMER_WORKFLOW.id,
		before.size + opts.posts,
		10 * 60_000,
	);
	const mine = all.filter((e) => !before.has(e.id));
	const lastStop = Math.max(...mine.map((e) => Date.parse(e.stoppedAt ?? '')));
	const wallMs = lastStop - t0;
	assert.equal(mine.length, opts.posts, 'one execution per POST');
	const failedRuns = mine.filter((e) => e.status !== 'success');
	const failures = await mapLimit(
		failedRuns,
		4,
		async (e) =>
			`${e.id} ${e.status}: ${(await cluster.rest.execution(e.id)).run.data.resultData.error?.message ?? '(no message)'}`,
	);

	const ranOn = workerOf(cluster.workers);
	const perWorker = countBy(mine.map((e) => ranOn.get(e.id) ?? 'no worker log line'));
	assert.deepEqual(
		Object.keys(perWorker).sort(),
		cluster.workers.map((w) => w.name).sort(),
		`every execution on exactly one worker, each worker used: ${JSON.stringify(perWorker)}`,
	);

	// Each execution's customer and the branch n8n put it on (run data over REST).
	const routed = (
		await mapLimit(
			mine.filter((e) => e.status === 'success'),
			4,
			async (e) => {
				const items = await routedIn(cluster.rest, e.id);
				assert.equal(items.length, 1, `execution ${e.id}: one item out of ${GCORE_NODE_NAME}`);
				return items;
			},
		)
	).flat();
	const wrong = routed.filter(
		(r) =>
			r.branch !== mix.expectedBranch(r.email) || !OUTCOMES[r.branch].includes(String(r.outcome)),
	);
	const stats = await sim.stats();
	const posted = countBy(mix.posts);
	const finals = countBy(
		stats.log
			.filter((l) => l.path === '/iam/auth/renew_invitation' && isFinalAnswer(l.status))
			.map((l) => String((l.body as { email?: string }).email).toLowerCase()),
	);
	// Each address gets a final answer at least once and at most once per POST (fewer when skipped as sent before).
	const offFinal = Object.keys(posted).filter(
		(e) => (finals[e] ?? 0) < 1 || (finals[e] ?? 0) > posted[e],
	);
	const repeatedInvited = Object.keys(posted).filter(
		(e) => posted[e] > 1 && mix.expectedBranch(e) === 0,
	);
	const repeatedSentAgain = repeatedInvited.filter((e) => (stats.sentByEmail[e] ?? 0) > 1);
	const invited = Object.keys(posted).filter((e) => mix.expectedBranch(e) === 0);
	const never = invited.filter((e) => !stats.sentByEmail[e]);
	const double = invited.filter((e) => (stats.sentByEmail[e] ?? 0) > posted[e]);
	const branchCounts = OUTPUT_NAMES.map(
		(b, k) => `${b} ${routed.filter((r) => r.branch === k).length}`,
	).join(', ');

	const listed = await listedByPublicApi(
		cluster.rest,
		CUSTOMER_WORKFLOW.id,
		mine.map((e) => e.id),
	);
	measured(label, {
		'executions (status)': JSON.stringify(countBy(mine.map((e) => e.status))),
		'listed by the public API (n8n 2.41.1 leaves out some finished ones)': `${listed} of ${mine.length}`,
		'per worker (worker logs)': cluster.workers.map((w) => perWorker[w.name] ?? 0).join(' / '),
		branches: branchCounts,
		[`POSTs answered (${POSTS_IN_FLIGHT} at a time)`]: seconds(postsMs),
		'first POST → last execution stopped (wall time)': seconds(wallMs),
		'simulator answers': JSON.stringify(stats.statusCounts),
		'peak requests in flight at the API': stats.maxInFlight,
		'invited customers POSTed twice: e-mailed once / twice (the deduplication store across workers)': `${repeatedInvited.length - repeatedSentAgain.length} / ${repeatedSentAgain.length}`,
		'failed executions / invited never e-mailed / e-mailed more often than POSTed': `${failedRuns.length} / ${never.length} / ${double.length}`,
		...(failures.length && {
			'why executions failed': failures.slice(0, 5).join('; ').replace(/\|/g, '/'),
		}),
	});

	assert.deepEqual(
		countBy(mine.map((e) => `${e.mode}/${e.status}`)),
		{ 'webhook/success': opts.posts },
		`mode/status of the executions; ${failures.slice(0, 5).join('; ')}`,
	);
	const first10 = (xs: string[]) => xs.slice(0, 10);
	assert.deepEqual(
		first10(wrong.map((r) => JSON.stringify(r))),
		[],
		'customers on the wrong branch',
	);
	assert.deepEqual(
		countBy(routed.map((r) => r.email)),
		countBy(mix.posts),
		'executions per customer',
	);
	assert.deepEqual(first10(never), [], 'invited customers never e-mailed');
	const doubles = double.map((e) => `${e} ${stats.sentByEmail[e]}×`);
	assert.deepEqual(first10(doubles), [], 'customers e-mailed more often than POSTed');
	const offs = offFinal.map((e) => `${e} ${finals[e] ?? 0}/${posted[e]}`);
	assert.deepEqual(first10(offs), [], 'addresses with no final answer or more than one per POST');
	return `${opts.posts} success, per worker ${cluster.workers.map((w) => `${w.name} ${perWorker[w.name]}`).join(' / ')}; ${branchCounts}; API ${JSON.stringify(stats.statusCounts)}; 0 never, 0 twice; wall ${seconds(wallMs)}`;
}

export const webhookBurst: QueueScenario = {
	name: '150 webhook executions on two workers: all success, both workers used, each customer on its branch, each address once per execution',
	mode: 'queue',
	order: 10,
	label: '1. burst',
	run: (ctx) =>
		runBurst(ctx, '1. burst', {
			posts: 150,
			domain: 'burst.example.com',
			simulator: { latencyMs: 20 },
		}),
};

export const rateLimitedBurst: QueueScenario = {
	name: '150 webhook executions, API at 300 ms admitting 5 (429 + Retry-After: 1): 0 failed, 0 double sends',
	mode: 'queue',
	order: 20,
	label: '2. rate-limited burst',
	run: (ctx) =>
		runBurst(ctx, '2. rate-limited burst', {
			posts: 150,
			domain: 'limited.example.com',
			simulator: { latencyMs: 300, maxInFlight: 5, rateLimitRetryAfter: 1 },
		}),
};
