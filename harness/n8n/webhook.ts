/**
 * A webhook workflow on a running n8n (single process): its production URL, redelivery of a 503,
 * and waiting until n8n listens there. The workflow itself and the POST are in
 * ../workflows/webhookWorkflow.ts.
 */
import type { N8nInstance } from './instance';
import type { N8nRest } from './rest';
import { post } from '../workflows/webhookWorkflow';

export function webhookUrl(ctx: { n8n: Pick<N8nInstance, 'baseUrl'> }, path: string): string {
	return `${ctx.n8n.baseUrl}/webhook/${path}`;
}

/**
 * POSTs like a CRM that redelivers an event n8n refused with 503. n8n 1.123.81 on SQLite answers
 * every request 503 "Database is not ready!" (before any execution is created) while its 2-second
 * database ping is more than 5 s late, which a burst on a busy machine can cause. Resolves with the
 * last status and the redeliveries it took.
 */
export async function deliver(url: string, body: unknown, attempts = 10): Promise<{ status: number; redelivered: number }> {
	for (let redelivered = 0; ; redelivered++) {
		const status = await post(url, body);
		if (status !== 503 || redelivered + 1 >= attempts) return { status, redelivered };
		await new Promise((r) => setTimeout(r, 1000));
	}
}

/** The readiness probe's address: nobody has it, the API answers 404 Not Found (no e-mail). */
export const PROBE_EMAIL = 'webhook.probe@nobody.example.com';

/**
 * Polls the production URL until n8n answers 200: the workflow is active. The POST that got the 200
 * started an execution (`body`: by default one customer nobody has); once that one has finished,
 * returns how many executions the workflow has, so that a scenario counts only its own.
 */
export async function waitUntilListening(ctx: { n8n: Pick<N8nInstance, 'baseUrl'>; rest: N8nRest }, workflowId: string, path: string, body: unknown = { email: PROBE_EMAIL }, timeoutMs = 60_000): Promise<number> {
	const url = webhookUrl(ctx, path);
	const t0 = Date.now();
	for (;;) {
		const status = await post(url, body).catch(() => 0);
		if (status === 200) break;
		if (Date.now() - t0 > timeoutMs) throw new Error(`${url} answered ${status} for ${timeoutMs / 1000} s`);
		await new Promise((r) => setTimeout(r, 500));
	}
	const known = await ctx.rest.allExecutions(workflowId);
	return (await ctx.rest.waitForExecutions(workflowId, Math.max(1, known.length), 60_000)).length;
}

