/**
 * Issue 16: a Remove Duplicates node (v2, "Remove Items Processed in Previous Executions", scope
 * Workflow) on a branch parallel to Gcore IAM behaves as it does without our node on the canvas.
 * Per mode, two workflows that differ only in our node: Webhook → Remove Duplicates → "Kept", and
 * the same plus Webhook → Gcore IAM → its branches (on top, so it runs first in each execution).
 * 100 events, then the same 100 again; n8n's run data of each execution says which event Remove
 * Duplicates kept, or how it failed.
 *
 * n8n's store is not safe under concurrency by itself: measured here without our node, 100
 * concurrent events on a fresh record make some Remove Duplicates executions fail (SQLite
 * UNIQUE constraint on the record's first insert) and lose record updates (the second pass lets
 * repeats through). So each pass POSTs its events in groups of GROUP at a time, the next group
 * when the previous one has finished (see below for why not one at a time).
 */
import * as assert from 'node:assert/strict';

import type { N8nRest } from '../n8n/rest';
import { processedData } from '../n8n/processedData';
import { nodeOutputs } from '../n8n/runData';
import { say } from '../log';
import type { Scenario, ServerContext } from './scenario';
import { BRANCHES, WEBHOOK_NODE, webhookWorkflow } from '../webhookWorkflow';
import { GCORE_NODE, type WorkflowJson, type WorkflowNode } from '../workflows';
import { deliver, webhookUrl } from './webhook';

const EVENTS = 100;
const GROUP = Number(process.env.GCORE_E2E_RD_GROUP ?? 100);
const RD_NODE = 'Remove Duplicates';
const KEPT_NODE = 'Kept';

type Logic = 'removeItemsWithAlreadySeenKeyValues' | 'removeItemsUpToStoredIncrementalKey';
const LOGICS: Array<{ logic: Logic; label: string; key: string; parameters: Record<string, unknown> }> = [
	{ logic: 'removeItemsWithAlreadySeenKeyValues', label: 'Value Is New', key: 'new', parameters: { dedupeValue: '={{ $json.body.email }}' } },
	{ logic: 'removeItemsUpToStoredIncrementalKey', label: 'Value Is Higher than Any Previous Value', key: 'higher', parameters: { incrementalDedupeValue: '={{ $json.body.seq }}' } },
];

function workflowOf(key: string, withOurs: boolean): { id: string; path: string; workflow: WorkflowJson } {
	// Distinct hex digits in the id: webhookWorkflow() derives node ids and the webhookId from them.
	const id = `gcoreIamRd00${key === 'new' ? (withOurs ? 'a' : 'b') : withOurs ? 'c' : 'd'}001`;
	const path = `gcore-e2e-rd-${key}-${withOurs ? 'with' : 'without'}`;
	const { parameters, logic } = LOGICS.find((l) => l.key === key)!;
	const wf = webhookWorkflow({ id, path });
	wf.name = `e2e: Remove Duplicates (${key}) ${withOurs ? 'beside Gcore IAM' : 'alone'}`;
	const uuid = (n: number) => `${wf.nodes[0].id.slice(0, -12)}${String(n).padStart(12, '0')}`;
	const rd: WorkflowNode = { id: uuid(77), name: RD_NODE, type: 'n8n-nodes-base.removeDuplicates', typeVersion: 2, position: [440, 700], parameters: { operation: 'removeItemsSeenInPreviousExecutions', logic, ...parameters, options: { scope: 'workflow' } } };
	const kept: WorkflowNode = { id: uuid(78), name: KEPT_NODE, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [760, 700], parameters: {} };
	wf.nodes.push(rd, kept);
	wf.connections[WEBHOOK_NODE].main[0].push({ node: RD_NODE, type: 'main', index: 0 });
	wf.connections[RD_NODE] = { main: [[{ node: KEPT_NODE, type: 'main', index: 0 }]] };
	if (!withOurs) {
		const ours = new Set([GCORE_NODE, ...BRANCHES]);
		wf.nodes = wf.nodes.filter((n) => !ours.has(n.name));
		delete wf.connections[GCORE_NODE];
		wf.connections[WEBHOOK_NODE].main[0] = wf.connections[WEBHOOK_NODE].main[0].filter((t) => !ours.has(t.node));
	}
	return { id, path, workflow: wf };
}

interface Seen {
	seq: number;
	kept: boolean;
	/** Remove Duplicates' error, or the execution's if it never got there. */
	error?: string;
}

async function seenIn(rest: N8nRest, executionId: string): Promise<Seen> {
	const { run } = await rest.execution(executionId);
	const tasks = run.data.resultData.runData[RD_NODE] ?? [];
	const seq = Number((run.data.resultData.runData[WEBHOOK_NODE]?.[0]?.data?.main?.[0]?.[0]?.json.body as { seq?: number } | undefined)?.seq);
	const error = tasks[0]?.error?.message ?? run.data.resultData.error?.message;
	return { seq, kept: (nodeOutputs(run, RD_NODE)[0] ?? []).length > 0, error };
}

/** One pass: the events in groups of GROUP, each group once the previous one's executions are final. */
async function pass(ctx: ServerContext, id: string, path: string, known: number): Promise<Seen[]> {
	const url = webhookUrl(ctx, path);
	for (let start = 0; start < EVENTS; start += GROUP) {
		const group = Array.from({ length: Math.min(GROUP, EVENTS - start) }, (_, i) => start + i + 1);
		const answers = await Promise.all(group.map((seq) => deliver(url, { email: `rd.${String(seq).padStart(3, '0')}@invited.example.com`, seq })));
		assert.deepEqual(answers.map((a) => a.status).filter((s) => s !== 200), [], 'webhook answers other than 200');
		await ctx.rest.waitForExecutions(id, known + start + group.length, 300_000);
	}
	const runs = (await ctx.rest.allExecutions(id)).slice(known);
	assert.equal(runs.length, EVENTS, 'executions of the pass');
	const seen: Seen[] = [];
	for (const e of runs) seen.push(await seenIn(ctx.rest, e.id));
	return seen.sort((a, b) => a.seq - b.seq);
}

function summary(seen: Seen[]): string {
	const errors = new Map<string, number>();
	for (const s of seen) if (s.error) errors.set(s.error.slice(0, 80), (errors.get(s.error.slice(0, 80)) ?? 0) + 1);
	return `kept ${seen.filter((s) => s.kept).length}, failed ${seen.filter((s) => s.error).length}${errors.size ? ` (${[...errors].map(([m, n]) => `${n}× "${m}"`).join('; ')})` : ''}`;
}

/** The workflow-wide record (Remove Duplicates' with scope Workflow), as n8n's database holds it. */
function workflowRecord(ctx: ServerContext, id: string): string {
	const row = processedData(ctx.n8n, id).find((r) => !r.context.startsWith('node'));
	if (!row) return 'none';
	const { mode, data } = row.value;
	return `${mode} ${Array.isArray(data) ? `${data.length} entries` : JSON.stringify(data)}`;
}

async function runVariant(ctx: ServerContext, key: string, withOurs: boolean): Promise<{ first: Seen[]; second: Seen[]; record: string }> {
	const { id, path } = workflowOf(key, withOurs);
	const first = await pass(ctx, id, path, 0);
	const second = await pass(ctx, id, path, EVENTS);
	const record = workflowRecord(ctx, id);
	say(`Remove Duplicates (${key}) ${withOurs ? 'beside Gcore IAM' : 'alone'} on n8n ${ctx.n8n.version}, groups of ${GROUP}: first pass ${summary(first)}; second pass ${summary(second)}; record ${record}`);
	return { first, second, record };
}

export const removeDuplicatesBeside: Scenario = {
	name: `Remove Duplicates (scope Workflow, both modes) beside Gcore IAM: ${EVENTS} events twice, the same results as without our node`,
	phase: 'server',
	workflows: () => LOGICS.flatMap((l) => [workflowOf(l.key, false).workflow, workflowOf(l.key, true).workflow]),
	async beforeStart(ctx) {
		for (const l of LOGICS) for (const withOurs of [false, true]) await ctx.cli.publishWorkflow(workflowOf(l.key, withOurs).id);
	},
	async run(ctx) {
		const users = Array.from({ length: EVENTS }, (_, i) => ({ email: `rd.${String(i + 1).padStart(3, '0')}@invited.example.com`, status: 'invited' as const }));
		const lines: string[] = [];
		for (const l of LOGICS) {
			await ctx.sim.prepare({ users, latencyMs: 300, maxInFlight: 5, rateLimitRetryAfter: 1 });
			const alone = await runVariant(ctx, l.key, false);
			const beside = await runVariant(ctx, l.key, true);
			lines.push(`${l.label}: alone ${summary(alone.first)} / ${summary(alone.second)}; beside ours ${summary(beside.first)} / ${summary(beside.second)}`);
		}
		return lines.join(' | ');
	},
};
