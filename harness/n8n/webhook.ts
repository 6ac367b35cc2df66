/** A webhook workflow on a running n8n: its production URL, redelivery, waiting until n8n listens there. */
import { setTimeout as sleep } from 'node:timers/promises';

import { pollUntil } from '../poll';
import { post, postForAnswer } from '../workflows/webhookWorkflow';
import type { N8nInstance } from './instance';
import { FINAL_STATUSES, pollExecutions, type N8nRest } from './rest';

type Ctx = { n8n: Pick<N8nInstance, 'baseUrl'>; rest: N8nRest };

export function webhookUrl(ctx: { n8n: Pick<N8nInstance, 'baseUrl'> }, path: string): string {
	return `${ctx.n8n.baseUrl}/webhook/${path}`;
}

/**
 * POSTs as a CRM that redelivers what n8n refused with 503 (1.123.81 on SQLite answers 503 "Database
 * is not ready!" while its database ping is late: docs/scaling.md). Returns the last status.
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

/** POSTs `body` (GETs without one) until `ok(answer)`. */
async function untilAnswer(
	url: string,
	body: unknown,
	ok: (answer: { status: number; text: string }) => boolean,
	timeoutMs: number,
): Promise<void> {
	let last = { status: 0, text: '' };
	const ask = async () =>
		body === undefined
			? fetch(url).then(async (res) => ({ status: res.status, text: await res.text() }))
			: postForAnswer(url, body);
	await pollUntil(
		async () => {
			last = await ask().catch((e: Error) => ({ status: 0, text: e.message }));
			return ok(last) || undefined;
		},
		timeoutMs,
		() => `${url}, for ${timeoutMs / 1000} s: ${last.status} ${last.text.slice(0, 150)}`,
	);
}

/** Until a POST gets 200 and its execution finished; returns the workflow's count of executions then. */
export async function waitUntilListening(
	ctx: Ctx,
	workflowId: string,
	path: string,
	body: unknown = { email: PROBE_EMAIL },
): Promise<number> {
	await untilAnswer(webhookUrl(ctx, path), body, (a) => a.status === 200, 60_000);
	const known = await ctx.rest.allExecutions(workflowId);
	return (await ctx.rest.waitForExecutions(workflowId, Math.max(1, known.length), 60_000)).length;
}

/**
 * After a restart (during start-up n8n answers 200 without starting anything): until a POST started an
 * execution that finished; returns the ids of all executions then (the killed ones may stay "running").
 */
export async function waitUntilStarted(
	ctx: Ctx,
	workflowId: string,
	path: string,
	body: unknown,
): Promise<Set<string>> {
	const list = () => ctx.rest.allExecutions(workflowId);
	const known = new Set((await list()).map((e) => e.id));
	const started = (a: { status: number; text: string }) =>
		a.status === 200 && a.text.includes('Workflow was started');
	await untilAnswer(webhookUrl(ctx, path), body, started, 120_000);
	const fresh = (all: Array<{ id: string; status: string }>) => all.filter((e) => !known.has(e.id));
	return pollExecutions(
		list,
		120_000,
		(all) =>
			fresh(all).some((e) => FINAL_STATUSES.includes(e.status)) &&
			!fresh(all).some((e) => e.status === 'running')
				? new Set(all.map((e) => e.id))
				: undefined,
		(last) => `new executions of ${workflowId}: ${fresh(last).map((e) => e.status)}`,
	);
}

/** Until n8n, ready, has registered the webhook; a GET then answers 404 "... Did you mean to make a POST request?". */
export async function waitUntilRegistered(
	ctx: { n8n: Pick<N8nInstance, 'baseUrl'> },
	path: string,
): Promise<void> {
	const registered = (a: { text: string }) =>
		/not registered for GET requests.*POST request/.test(a.text);
	await untilAnswer(webhookUrl(ctx, path), undefined, registered, 300_000);
}
