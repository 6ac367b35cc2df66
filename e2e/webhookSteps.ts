/** The steps every webhook proof takes, in either mode: POST, wait for executions, read the routing, count e-mails. */
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import type { SimUser, SimulatorStats } from '../simulator';
import { deliver, waitUntilListening, webhookUrl } from '../harness/n8n/webhook';
import { FINAL_STATUSES, type ExecutionSummary, type N8nRest } from '../harness/n8n/rest';
import { nodeOutputs } from '../harness/n8n/runData';
import { executionsOf, mapLimit } from '../harness/queue/executions';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../harness/names';
import { webhookWorkflow, type WebhookWorkflow } from '../harness/workflows/webhookWorkflow';
import { none } from './expect';
import type { QueueContext, Scenario, ServerContext } from './scenario';

export const RATE_LIMITED = { latencyMs: 300, maxInFlight: 5, rateLimitRetryAfter: 1 };

/** A published webhook workflow; executions oldest first: one process: public API; queue mode: PostgreSQL (the API leaves some out). */
export interface Hook {
	sim: SimulatorProcess;
	rest: N8nRest;
	id: string;
	path: string;
	url: string;
	executions(): Promise<ExecutionSummary[]>;
}

export function hookOnQueue(
	{ cluster, sim }: QueueContext,
	wf: { id: string; path: string },
): Hook {
	const url = webhookUrl({ n8n: cluster.main }, wf.path);
	const executions = () => executionsOf(cluster.postgres, wf.id);
	return { sim, rest: cluster.rest, ...wf, url, executions };
}

/** A single-mode scenario over published webhook workflows; `prove` starts once n8n ran `probe` on each. */
export function webhookScenario(spec: {
	name: string;
	order: number;
	workflows: WebhookWorkflow[];
	probe?: unknown;
	prove(hooks: Hook[], ctx: ServerContext): Promise<string>;
}): Scenario {
	return {
		name: spec.name,
		mode: 'single',
		order: spec.order,
		phase: 'server',
		workflows: () => spec.workflows.map(webhookWorkflow),
		publish: true,
		async run(ctx) {
			const { sim, rest } = ctx;
			const hooks = spec.workflows.map(({ id, path }) => {
				const executions = () => rest.allExecutions(id);
				return { sim, rest, id, path, url: webhookUrl(ctx, path), executions };
			});
			for (const h of hooks) await waitUntilListening(ctx, h.id, h.path, spec.probe);
			return spec.prove(hooks, ctx);
		},
	};
}

export function invitedCustomers(prefix: string, n: number) {
	const address = (i: number) => `${prefix}.${String(i).padStart(3, '0')}@invited.example.com`;
	const emails = Array.from({ length: n }, (_, i) => address(i));
	return { emails, users: emails.map((email): SimUser => ({ email, status: 'invited' })) };
}

export async function idsOf(hook: Hook): Promise<Set<string>> {
	return new Set((await hook.executions()).map((e) => e.id));
}

/** The executions not in `known`, once `until` holds and none runs; a failed read (SQLite busy: 500) is retried. */
export async function waitFor(
	hook: Hook,
	known: Set<string>,
	until: (fresh: ExecutionSummary[]) => boolean | Promise<boolean>,
	timeoutMs: number,
): Promise<ExecutionSummary[]> {
	const t0 = Date.now();
	for (let fresh: ExecutionSummary[] = []; ; await sleep(1000)) {
		const all = await hook.executions().catch(() => undefined);
		fresh = all?.filter((e) => !known.has(e.id)) ?? fresh;
		if (all && !fresh.some((e) => e.status === 'running') && (await until(fresh))) return fresh;
		if (Date.now() - t0 > timeoutMs) {
			const statuses = fresh.map((e) => e.status).join(',') || 'none';
			throw new Error(`after ${timeoutMs / 1000} s, new executions: ${statuses.slice(0, 300)}`);
		}
	}
}

export const ended = (n: number) => (fresh: ExecutionSummary[]) =>
	fresh.filter((e) => FINAL_STATUSES.includes(e.status)).length >= n;

/** Every event POSTed, `inFlight` at once, redelivered on `redeliverOn` (default 1.123.81's 503), finally 200. */
export async function postAll(
	url: string,
	events: unknown[],
	opts: { inFlight?: number; redeliverOn?: (status: number) => boolean } = {},
): Promise<number> {
	const answers = await mapLimit(events, opts.inFlight ?? events.length, (e) =>
		deliver(url, e, 10, opts.redeliverOn),
	);
	const not200 = answers.flatMap((a) => (a.status === 200 ? [] : [String(a.status)]));
	none(not200, 'webhook answers other than 200 (after redelivering)');
	return answers.reduce((n, a) => n + a.redelivered, 0);
}

/** The crash step of both modes: once the API has had `requests` requests, `kill()`; the stats then. */
export async function killAfter(
	sim: SimulatorProcess,
	requests: number,
	kill: () => Promise<void>,
): Promise<{ killedAt: number; atKill: SimulatorStats }> {
	for (const t0 = Date.now(); (await sim.stats()).requests < requests; await sleep(50))
		if (Date.now() - t0 > 240_000) throw new Error(`fewer than ${requests} requests in 240 s`);
	await kill();
	return { killedAt: Date.now(), atKill: await sim.stats() };
}

export interface Routed {
	email: string;
	/** 0 Success, 1 Already Activated, 2 Not Found */
	branch: number;
	outcome: string | undefined;
}

/** Where n8n's record of one successful execution put each item of Gcore IAM; each branch's node got them. */
export async function routedIn(rest: N8nRest, executionId: string): Promise<Routed[]> {
	const { run, status } = await rest.execution(executionId);
	const error = JSON.stringify(run.data.resultData.error ?? '');
	assert.equal(status, 'success', `execution ${executionId}: ${status} ${error}`);
	const emailOf = (i: { json: Record<string, unknown> }) =>
		String(i.json.email ?? (i.json.body as { email?: string })?.email);
	return nodeOutputs(run, GCORE_NODE_NAME)
		.slice(0, 3)
		.flatMap((items, branch) => {
			const reached = (nodeOutputs(run, OUTPUT_NAMES[branch])[0] ?? []).map(emailOf);
			const emails = items.map(emailOf);
			const where = `execution ${executionId}: what reached "${OUTPUT_NAMES[branch]}"`;
			assert.deepEqual(reached, emails, where);
			return items.map((i, k) => ({
				email: emails[k],
				branch,
				outcome: (i.json.invitation as { outcome?: string } | undefined)?.outcome,
			}));
		});
}

export async function routedAll(rest: N8nRest, executions: ExecutionSummary[]): Promise<Routed[]> {
	return (await mapLimit(executions, 4, (e) => routedIn(rest, e.id))).flat();
}

export function sent(stats: SimulatorStats, email: string): number {
	return stats.sentByEmail[email.toLowerCase()] ?? 0;
}

export function emailTally(stats: SimulatorStats, invited: string[]) {
	return {
		never: invited.filter((e) => sent(stats, e) === 0),
		twice: invited.filter((e) => sent(stats, e) > 1),
	};
}
