/** A webhook workflow on a running n8n: its production URL, redelivery, waiting until n8n listens there. */
import { setTimeout as sleep } from 'node:timers/promises';

import { pollUntil } from '../poll';
import { post, postForAnswer } from '../workflows/webhookWorkflow';
import type { N8nInstance } from './instance';
import { FINAL_STATUSES, type ExecutionSummary, type N8nRest } from './rest';

type Ctx = { n8n: Pick<N8nInstance, 'baseUrl'>; rest: N8nRest };

export function webhookUrl(ctx: { n8n: Pick<N8nInstance, 'baseUrl'> }, path: string): string {
	return `${ctx.n8n.baseUrl}/webhook/${path}`;
}

/**
 * POSTs like a CRM that redelivers an event n8n refused with 503. n8n 1.123.81 on SQLite answers
 * every request 503 "Database is not ready!" (before any execution is created) while its 2-second
 * database ping is more than 5 s late, which a burst on a busy machine can cause. Resolves with the
 * last status and the redeliveries it took.
 */
export async function deliver(
	url: string,
	body: unknown,
	attempts = 10,
	redeliverOn: (status: number) => boolean = (status) => status === 503,
): Promise<{ status: number; redelivered: number }> {
	for (let redelivered = 0; ; redelivered++) {
		const status = await post(url, body);
		if (!redeliverOn(status) || redelivered + 1 >= attempts) return { status, redelivered };
		await sleep(1000);
	}
}

/** The readiness probe's address: nobody has it, the API answers 404 Not Found (no e-mail). */
export const PROBE_EMAIL = 'webhook.probe@nobody.example.com';

/**
 * Polls the production URL until n8n answers 200: the workflow is active. The POST that got the 200
 * started an execution (`body`: by default one customer nobody has); once that one has finished,
 * returns how many executions the workflow has, so that a scenario counts only its own.
 */
export async function waitUntilListening(
	ctx: Ctx,
	workflowId: string,
	path: string,
	body: unknown = { email: PROBE_EMAIL },
): Promise<number> {
	const url = webhookUrl(ctx, path);
	let status = 0;
	await pollUntil(
		async () => ((status = await post(url, body).catch(() => 0)) === 200 ? true : undefined),
		60_000,
		() => `${url} answered ${status} for 60 s`,
	);
	const known = await ctx.rest.allExecutions(workflowId);
	return (await ctx.rest.waitForExecutions(workflowId, Math.max(1, known.length), 60_000)).length;
}

/**
 * After a restart: POSTs `body` until n8n answers "Workflow was started" (during start-up it
 * answers 200 without starting anything), waits until that execution is final, and returns the ids
 * of every execution the workflow has then (the killed ones may stay "running" for good).
 */
export async function waitUntilStarted(
	ctx: Ctx,
	workflowId: string,
	path: string,
	body: unknown,
	timeoutMs = 120_000,
): Promise<Set<string>> {
	const known = new Set((await ctx.rest.allExecutions(workflowId)).map((e) => e.id));
	let last = '';
	await pollUntil(
		async () => {
			const answer = await postForAnswer(webhookUrl(ctx, path), body).catch((e: Error) => ({
				status: 0,
				text: e.message,
			}));
			last = `${answer.status} ${answer.text.slice(0, 100)}`;
			return answer.status === 200 && answer.text.includes('Workflow was started')
				? true
				: undefined;
		},
		timeoutMs,
		() =>
			`${webhookUrl(ctx, path)} did not start the workflow for ${timeoutMs / 1000} s (last answer: ${last})`,
	);
	await waitForNewExecutions(ctx, workflowId, known, 1, timeoutMs);
	return new Set((await ctx.rest.allExecutions(workflowId)).map((e) => e.id));
}

/**
 * Waits until `count` executions of the workflow that are not in `known` ended in one of `statuses`
 * and none of the new ones is still running; returns the new ones, oldest first.
 */
export async function waitForNewExecutions(
	ctx: { rest: N8nRest },
	workflowId: string,
	known: Set<string>,
	count: number,
	timeoutMs: number,
	statuses = FINAL_STATUSES,
): Promise<ExecutionSummary[]> {
	const fresh = (all: ExecutionSummary[]) => all.filter((e) => !known.has(e.id));
	const done = (all: ExecutionSummary[]) => fresh(all).filter((e) => statuses.includes(e.status));
	return ctx.rest.pollExecutions(
		workflowId,
		timeoutMs,
		(all) =>
			done(all).length >= count && !fresh(all).some((e) => e.status === 'running')
				? fresh(all)
				: undefined,
		(last) =>
			`${done(last).length} of ${count} new executions of ${workflowId} ${statuses.join('/')} (new: ${fresh(
				last,
			)
				.map((e) => e.status)
				.join(',')
				.slice(0, 300)})`,
	);
}

/**
 * Waits until n8n has registered the production webhook, without running the workflow: a GET to
 * a POST webhook answers 404 "... not registered for GET requests. Did you mean to make a POST
 * request?" once it is there, "... is not registered" before (n8n activates published workflows
 * after it reports ready; under load that took minutes here).
 */
export async function waitUntilRegistered(
	ctx: { n8n: Pick<N8nInstance, 'baseUrl'> },
	path: string,
	timeoutMs = 300_000,
): Promise<void> {
	let last = '';
	await pollUntil(
		async () => {
			const res = await fetch(webhookUrl(ctx, path)).catch((e: Error) => ({
				status: 0,
				text: async () => e.message,
			}));
			last = `${res.status} ${(await res.text()).slice(0, 150)}`;
			return /not registered for GET requests.*POST request/.test(last) ? true : undefined;
		},
		timeoutMs,
		() =>
			`${webhookUrl(ctx, path)} not registered for POST after ${timeoutMs / 1000} s (last answer to a GET: ${last})`,
		1000,
	);
}
