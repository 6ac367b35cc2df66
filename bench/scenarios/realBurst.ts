/**
 * The burst (scenarios/burst.ts) in the real n8n 2.41.1: `n8n start` with webhook workflows
 * published, one customer per POST to the production webhook URL, all POSTs at once. The API
 * takes 300 ms (at 20 ms n8n's own per-execution work keeps fewer than 5 requests in flight),
 * admits 5 and answers 429 + Retry-After: 1 beyond. Rows per burst size:
 * 1. our node: Webhook → Gcore IAM (default options, "Stop Workflow") → the three branches
 *    (the e2e's workflow);
 * 2. what a user builds instead: Webhook → HTTP Request ("Never Error", full response) + Switch;
 * 3. the same with n8n's Retry On Fail (3 tries, 1 s apart) instead of "Never Error": a 4xx
 *    answer is then an error, so its Already Activated and Not Found customers fail as well.
 * At the smallest size (200) also what "Skip If Invited Within" costs (issue 22): our node with
 * that option at 0 (the check off) beside the default (10 min), with the API above and with an
 * API without a limit (there beside HTTP Request "Never Error" as well); the ratios of their
 * wall times are targets. Every row of our node has an API key of its own (an account the node
 * knows nothing about), so that no row inherits the rate limit an earlier one learned.
 * Failed = executions not `success` or whose customer reached none of the three branches
 * (n8n's record, over REST); e-mailed twice = addresses the simulator answered 2xx more than
 * once. Wall time: first POST to the last execution stopped (n8n's record). One run per row:
 * a row of 1,000 takes minutes.
 */
import type { IDataObject } from 'n8n-workflow';

import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { customers, expectedOutcome, simulatorUsers } from '../customers';
import type { RealN8nBench, RealN8nServer } from '../realN8nBaseline';
import {
	httpRequestWorkflow,
	type BenchWorkflow,
	type HttpRequestVariant,
} from '../realN8nWorkflows';
import { count, mark, s } from '../report';
import { realN8nOf, scenario, type Target } from '../scenario';
import { emailedMoreThanOnce, round } from '../stats';
import { ADMITTED, BURST_SIZES, RETRY_AFTER_SECONDS, type BurstSetting } from './burst';
import { countBy, mapLimit } from '../../harness/queue/executions';
import { nodeOutputs } from '../../harness/n8n/runData';
import { deliver, waitUntilListening, webhookUrl } from '../../harness/n8n/webhook';
import { OUTPUT_NAMES } from '../../harness/names';
import { webhookWorkflow } from '../../harness/workflows/webhookWorkflow';
import { DEFAULT_SKIP_IF_INVITED_WITHIN_MINUTES as SKIP_DEFAULT } from '../../nodes/GcoreIam/actions/resendInvitation/description';
import { DEFAULT_API_KEY } from '../../simulator';

const LATENCY_MS = 300;
/** Run data read back this many executions at a time (after the wall time is taken). */
const READ_IN_PARALLEL = 6;
/** The burst size of the "Skip If Invited Within" comparison and of the API without a limit. */
const COMPARED_SIZE = Math.min(...BURST_SIZES);
/** Each ratio of wall times (ours with the default ÷ ours with 0, ÷ HTTP Request) at most this. */
const RATIO_TARGET = 1.1;

export interface RealBurstRow {
	name: string;
	ours: boolean;
	/** Our node's "Skip If Invited Within", minutes (0: the check off). */
	skipIfInvitedWithin?: number;
	/** The API admitted every request (no 429); otherwise `admitted` of the result, 429 beyond. */
	noLimit?: boolean;
	executions: number;
	/** First POST to the last execution stopped. */
	wallMs: number;
	/** Until every POST was answered (n8n answers once it has created the execution). */
	postsMs: number;
	/** POSTs sent again after n8n answered 503. */
	redelivered: number;
	/**
	 * POSTs n8n answered other than 200 after the redeliveries (0: no answer), by status: no
	 * execution started, the node never saw that customer. Seen on a loaded machine: 500
	 * "Timeout waiting for lock SqliteWriteConnectionMutex".
	 */
	refused: Record<string, number>;
	/** Executions not `success` or whose customer reached none of the three branches. */
	failed: number;
	/** Of the failed, those whose execution n8n records as not `success`. */
	notSuccess: number;
	emailedTwice: number;
	/** Customers the API would have invited whom it never answered 2xx (the issue's "never e-mailed"). */
	neverEmailed: number;
	requests: number;
	rateLimited: number;
	peakInFlight: number;
	/** Up to 3 distinct errors of failed executions. */
	errors: string[];
	/** executions × latency ÷ admitted (not without a limit). */
	admittedLimitMs?: number;
	/** Our node with a limit only: 2 s + twice the admitted limit, 0 failed, 0 twice. */
	maxWallMs?: number;
	met?: boolean;
}

/** Wall time ratios at the compared size (issue 22); each wants at most `target`. */
export interface SkipRatios {
	executions: number;
	/** No limit: ours with the default (10 min) ÷ ours with Skip If Invited Within 0. */
	skipOnVsOff: number;
	/** No limit: ours with the default ÷ HTTP Request + Switch, "Never Error". */
	skipOnVsHttp: number;
	/** `admitted` in flight: ours with the default ÷ ours with 0. */
	limitedSkipOnVsOff: number;
	target: number;
	met: boolean;
}

export interface RealBurstResult extends BurstSetting {
	n8nVersion: string;
	runsPerRow: 1;
	rows: RealBurstRow[];
	ratios?: SkipRatios;
	/** The rows of our node and the ratios met their targets. */
	met: boolean;
}

interface Contender {
	name: string;
	id: string;
	path: string;
	/** The API key the simulator accepts during this row (ours: one per row, a new account). */
	apiKey: string;
	workflow: BenchWorkflow;
	/** Ours: its "Skip If Invited Within"; HTTP Request: undefined. */
	skipIfInvitedWithin?: number;
	noLimit: boolean;
}

const HTTP_CONTENDERS: Array<{ name: string; key: string; variant: HttpRequestVariant }> = [
	{
		name: 'Webhook → HTTP Request + Switch, "Never Error"',
		key: 'Http',
		variant: { neverError: true },
	},
	{
		name: 'Webhook → HTTP Request + Switch, Retry On Fail (3 tries, 1 s apart)',
		key: 'HttpRetry',
		variant: { neverError: false },
	},
];

/**
 * Progress steps: set-up, ours and the HTTP Request variants per burst size, and at the compared
 * size ours with 0 and the three rows without a limit.
 */
const REAL_BURST_STEPS = 1 + BURST_SIZES.length * (1 + HTTP_CONTENDERS.length) + 4;

const oursName = (minutes: number) =>
	`Webhook → Gcore IAM node (${minutes === SKIP_DEFAULT ? `default options: Skip If Invited Within ${minutes} min` : `Skip If Invited Within ${minutes}`}) → the three branches`;

/** The workflows and credentials of every row, all imported and published before `n8n start`. */
function contenders(
	sizes: number[],
	compared: number,
	simulatorUrl: string,
): { rows: Contender[][]; credentials: IDataObject[] } {
	const credentials: IDataObject[] = [];
	const http = HTTP_CONTENDERS.map(({ name, key, variant }, k): Contender => {
		const id = `benchBurst${key}`;
		const path = `bench-burst-${key.toLowerCase()}`;
		const webhookId = `b0b0b0b0-0000-4000-8000-00000000010${k}`;
		return {
			name,
			id,
			path,
			apiKey: DEFAULT_API_KEY,
			workflow: httpRequestWorkflow(id, simulatorUrl, { webhook: { path, webhookId } }, variant),
			noLimit: false,
		};
	});
	const ours = (size: number, minutes: number, noLimit: boolean): Contender => {
		const key = `Ours${noLimit ? 'Unlimited' : ''}${minutes === SKIP_DEFAULT ? '' : 'Off'}${size}`;
		const credential = { id: `benchBurstCred${key}`, name: `Gcore IAM account (burst ${key})` };
		const apiKey = `${DEFAULT_API_KEY}-burst-${key.toLowerCase()}`;
		credentials.push({
			...credential,
			type: 'gcoreIamApi',
			data: { apiKey, baseUrl: simulatorUrl },
		});
		const id = `benchBurst${key}`;
		const path = `bench-burst-${key.toLowerCase()}`;
		const options = minutes === SKIP_DEFAULT ? {} : { skipIfInvitedWithin: minutes };
		const workflow: BenchWorkflow = { ...webhookWorkflow({ id, path, credential, options }), id };
		return {
			name: oursName(minutes),
			id,
			path,
			apiKey,
			workflow,
			skipIfInvitedWithin: minutes,
			noLimit,
		};
	};
	const rows = sizes.map((size) =>
		size !== compared
			? [ours(size, SKIP_DEFAULT, false), ...http]
			: [
					ours(size, SKIP_DEFAULT, true),
					ours(size, 0, true),
					{ ...http[0], noLimit: true },
					ours(size, SKIP_DEFAULT, false),
					ours(size, 0, false),
					...http,
				],
	);
	return { rows, credentials };
}

async function realBurst(context: BenchContext, real: RealN8nBench): Promise<RealBurstResult> {
	const { sim, progress } = context;
	const sizes = BURST_SIZES.map((size) => itemsFor(context, size));
	const compared = itemsFor(context, COMPARED_SIZE);
	const { rows: plan, credentials } = contenders(sizes, compared, sim.url);
	const workflows = [...new Map(plan.flat().map((c) => [c.id, c.workflow])).values()];
	const server = await progress.run(
		`burst in real n8n ${real.version}: import, publish ${workflows.length} webhook workflows, n8n start`,
		async () => {
			await real.importCredentials(credentials);
			return await real.serve(workflows);
		},
	);
	const rows: RealBurstRow[] = [];
	try {
		for (const [i, size] of sizes.entries()) {
			for (const contender of plan[i]) {
				rows.push(
					await progress.run(
						`burst in real n8n ${real.version}: ${size} POSTs at once, ${contender.noLimit ? 'API without a limit' : `${ADMITTED} admitted`}, ${contender.name}`,
						() => burstRow(context, server, contender, size),
					),
				);
			}
		}
	} finally {
		await server.stop();
	}
	const ratios = skipRatios(rows, compared);
	return {
		where: `real n8n ${real.version} (Node 24, \`n8n start\`, SQLite, regular mode)`,
		n8nVersion: real.version,
		latencyMs: LATENCY_MS,
		admitted: ADMITTED,
		retryAfterSeconds: RETRY_AFTER_SECONDS,
		runsPerRow: 1,
		rows,
		ratios,
		met: rows.every((row) => row.met !== false) && ratios.met,
	};
}

function skipRatios(rows: RealBurstRow[], executions: number): SkipRatios {
	const wall = (noLimit: boolean, skip: number | undefined) => {
		const row = rows.find(
			(r) =>
				r.executions === executions &&
				Boolean(r.noLimit) === noLimit &&
				r.skipIfInvitedWithin === skip &&
				(skip !== undefined || r.name.includes('Never Error')),
		);
		if (!row) throw new Error(`no burst row of ${executions} for ${noLimit} / ${skip}`);
		return row.wallMs;
	};
	const ratio = (a: number, b: number) => round(a / b, 3);
	const ratios = {
		executions,
		skipOnVsOff: ratio(wall(true, SKIP_DEFAULT), wall(true, 0)),
		skipOnVsHttp: ratio(wall(true, SKIP_DEFAULT), wall(true, undefined)),
		limitedSkipOnVsOff: ratio(wall(false, SKIP_DEFAULT), wall(false, 0)),
		target: RATIO_TARGET,
	};
	return {
		...ratios,
		met: [ratios.skipOnVsOff, ratios.skipOnVsHttp, ratios.limitedSkipOnVsOff].every(
			(value) => value <= RATIO_TARGET,
		),
	};
}

async function burstRow(
	context: BenchContext,
	server: RealN8nServer,
	contender: Contender,
	executions: number,
): Promise<RealBurstRow> {
	const { sim } = context;
	const ctx = { n8n: server.instance, rest: server.rest };
	// The readiness probe's one customer nobody has meets an API without a limit: it teaches the node nothing about it.
	await sim.prepare({ users: [], latencyMs: LATENCY_MS, apiKey: contender.apiKey });
	const before = await waitUntilListening(ctx, contender.id, contender.path);
	await sim.prepare({
		users: simulatorUsers(executions),
		latencyMs: LATENCY_MS,
		...(contender.noLimit
			? {}
			: { maxInFlight: ADMITTED, rateLimitRetryAfter: RETRY_AFTER_SECONDS }),
		apiKey: contender.apiKey,
	});

	const url = webhookUrl(ctx, contender.path);
	const t0 = Date.now();
	const answers = await Promise.all(
		customers(executions).map((customer) =>
			deliver(url, customer).catch(() => ({ status: 0, redelivered: 0 })),
		),
	);
	const postsMs = Date.now() - t0;
	const refused = countBy(
		answers.filter((answer) => answer.status !== 200).map((answer) => String(answer.status)),
	);
	const accepted = answers.filter((answer) => answer.status === 200).length;
	const all = (
		await server.rest.waitForExecutions(contender.id, before + accepted, 15 * 60_000)
	).slice(before);
	const wallMs = Math.max(...all.map((e) => Date.parse(e.stoppedAt ?? ''))) - t0;
	const stats = await sim.stats();

	const outcomes = await mapLimit(all, READ_IN_PARALLEL, async (e) => {
		const { run, status } = await server.rest.execution(e.id);
		const reached = OUTPUT_NAMES.reduce(
			(n, branch) => n + (nodeOutputs(run, branch)[0]?.length ?? 0),
			0,
		);
		return {
			ok: status === 'success' && reached === 1,
			status,
			error: run.data.resultData.error?.message,
		};
	});
	const failedRuns = outcomes.filter((o) => !o.ok);
	const ours = contender.skipIfInvitedWithin !== undefined;
	const row: RealBurstRow = {
		name: contender.name,
		ours,
		...(ours && { skipIfInvitedWithin: contender.skipIfInvitedWithin }),
		...(contender.noLimit && { noLimit: true }),
		executions,
		wallMs,
		postsMs,
		redelivered: answers.reduce((n, answer) => n + answer.redelivered, 0),
		refused,
		failed: failedRuns.length,
		notSuccess: outcomes.filter((o) => o.status !== 'success').length,
		emailedTwice: emailedMoreThanOnce(stats.sentByEmail),
		neverEmailed: customers(executions).filter(
			(customer, index) =>
				expectedOutcome(index) === 'sent' && !stats.sentByEmail[String(customer.email)],
		).length,
		requests: stats.requests,
		rateLimited: stats.statusCounts['429'] ?? 0,
		peakInFlight: stats.maxInFlight,
		errors: [
			...new Set(failedRuns.map((o) => o.error ?? `${o.status}, customer on no branch`)),
		].slice(0, 3),
	};
	if (!contender.noLimit) row.admittedLimitMs = (executions * LATENCY_MS) / ADMITTED;
	if (ours) {
		if (row.admittedLimitMs !== undefined) row.maxWallMs = 2_000 + 2 * row.admittedLimitMs;
		// Every POST must have become an execution, or the row measured n8n's limits, not the node.
		row.met =
			wallMs <= (row.maxWallMs ?? Infinity) &&
			row.failed === 0 &&
			row.emailedTwice === 0 &&
			accepted === executions &&
			all.length === executions;
	}
	return row;
}

/** A row's API: without a limit, or `admitted` in flight (old results: always the latter). */
const apiCell = (r: RealBurstResult, row: RealBurstRow) =>
	row.noLimit ? 'no limit' : `${r.admitted} admitted`;

const rowTarget = (row: RealBurstRow) =>
	`${row.maxWallMs === undefined ? '' : `<= ${s(row.maxWallMs)}, `}0 failed, 0 refused, 0 twice`;

/** Each ratio with the rows it divides named, for the targets and the table. */
function ratioLines(r: RealBurstResult): Array<{ name: string; value: number; target: number }> {
	const q = r.ratios;
	if (!q) return [];
	const on = `ours, Skip If Invited Within ${SKIP_DEFAULT} min (default)`;
	const line = (name: string, value: number) => ({ name, value, target: q.target });
	return [
		line(`no limit: ${on} ÷ ours, 0`, q.skipOnVsOff),
		line(`no limit: ${on} ÷ HTTP Request + Switch "Never Error"`, q.skipOnVsHttp),
		line(`${r.admitted} admitted: ${on} ÷ ours, 0`, q.limitedSkipOnVsOff),
	];
}

function realBurstTargets(r: RealBurstResult): Target[] {
	const where = `${r.where.split(' (')[0]}, ${r.latencyMs} ms`;
	return [
		...r.rows
			.filter((row) => row.ours)
			.map((row) => ({
				name: `Burst: ${count(row.executions)} one-customer executions at once (${where}, ${apiCell(r, row)}${row.skipIfInvitedWithin === 0 ? ', Skip If Invited Within 0' : ''})`,
				value: `${s(row.wallMs)}, ${row.failed} failed, ${refusedCell(row.refused)} refused by n8n, ${row.emailedTwice} e-mailed twice`,
				target: rowTarget(row),
				met: row.met ?? false,
			})),
		...ratioLines(r).map(({ name, value, target }) => ({
			name: `Burst of ${count(r.ratios?.executions ?? 0)} (${where}), wall time ${name}`,
			value: value.toFixed(2),
			target: `<= ${target.toFixed(2)}`,
			met: value <= target,
		})),
	];
}

const refusedCell = (refused: Record<string, number>) =>
	Object.entries(refused)
		.map(([status, n]) => `${n} × ${status === '0' ? 'no answer' : status}`)
		.join(', ') || '0';

function realBurstTable(r: RealBurstResult): string[] {
	return [
		`Burst in the ${r.where}: one customer per POST to the workflow's production webhook URL, all POSTs at once; API at ${r.latencyMs} ms, ${r.admitted} admitted in flight, 429 + Retry-After: ${r.retryAfterSeconds} beyond ("no limit": it admits every request); one run per row; our node meets an account it knows nothing about in each row. Wall time: first POST to the last execution stopped (n8n's record). Failed: executions not successful or whose customer reached none of the three branches (with Retry On Fail and without "Never Error", a 400 or 404 answer is an error: the 1 in 10 customers already activated or unknown (of every 20: 18 invited, 1 active, 1 unknown) fail there by design). Refused: POSTs n8n itself answered other than 200 (after redelivering 503s; no execution, the node never saw them). Never e-mailed: invited customers the API never answered 2xx.`,
		'',
		'| Executions | API | Workflow | Wall time | Failed | Refused by n8n | Never e-mailed | E-mailed twice+ | Requests (429s) | Admitted concurrency allows | Target | |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${count(row.executions)} | ${apiCell(r, row)} | ${row.name} | ${s(row.wallMs)} | ${row.failed} | ${refusedCell(row.refused)} | ${row.neverEmailed} | ${row.emailedTwice} | ${count(row.requests)} (${count(row.rateLimited)}) | ${row.admittedLimitMs === undefined ? '–' : s(row.admittedLimitMs)} | ` +
				(row.ours ? `${rowTarget(row)} | ${mark(row.met ?? false)} |` : '– | |'),
		),
		...(r.ratios
			? [
					'',
					`What Skip If Invited Within costs: wall times of the ${count(r.ratios.executions)}-execution rows above, divided.`,
					'',
					'| Ratio of wall times | Value | Target | |',
					'|---|---|---|---|',
					...ratioLines(r).map(
						({ name, value, target }) =>
							`| ${name} | ${value.toFixed(2)} | <= ${target.toFixed(2)} | ${mark(value <= target)} |`,
					),
				]
			: []),
	];
}

/** Last in a run: it runs `n8n start` on the instance the `n8n execute` rows before it used. */
export const realBurstScenario = scenario<RealBurstResult>({
	name: 'realBurst',
	reportOrder: 80,
	// Last in the full run: it runs `n8n start` on the instance the `n8n execute` rows before it used.
	runs: { all: 10, burst: 2 },
	realN8n: 'needs',
	steps: () => REAL_BURST_STEPS,
	run: (context) => realBurst(context, realN8nOf(context)),
	table: realBurstTable,
	targets: realBurstTargets,
});
