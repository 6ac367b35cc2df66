/**
 * Scenario 3: an API that admits 5 requests in flight and answers 429 + Retry-After: 1
 * beyond that, 500 items at 20 ms. Our node (default options, concurrency 10) against the
 * workflow a user would build instead, HTTP Request + Switch on the status code, in the
 * real n8n 2.41.1. Failed = items that reached none of the three outcome branches;
 * e-mailed twice = addresses the simulator answered 2xx more than once.
 */
import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { customers, simulatorUsers } from '../customers';
import { runOurNode } from '../ourNode';
import type { RealN8nBench, RealN8nRun } from '../realN8nBaseline';
import type { HttpRequestVariant } from '../realN8nWorkflows';
import { count, s } from '../report';
import { scenario } from '../scenario';
import { emailedMoreThanOnce, round, spread, type Spread } from '../stats';

const ADMITTED = 5;
const LATENCY_MS = 20;
/** The target wall time, as a multiple of what the admitted concurrency allows (2.8 s for 500 items). */
const TARGET_OF_ADMITTED_LIMIT = 1.4;

export interface RateLimitedRow {
	name: string;
	where: 'engine harness (n8n-core 2.41.1, Node 20)' | string;
	/** Our node: its execution time; real n8n: from the sending node's start to the Switch's end. */
	wallMs: Spread;
	failed: number;
	emailedTwice: number;
	requests: number;
	rateLimited: number;
	workflowError?: string;
	/** Real n8n only: the `n8n execute` process in total, and what of it is not the execution. */
	cliMs?: number;
	startupMs?: number;
}

export interface RateLimitedResult {
	items: number;
	admitted: number;
	latencyMs: number;
	retryAfterSeconds: number;
	/** items × latency ÷ admitted. */
	admittedLimitMs: number;
	rows: RateLimitedRow[];
	target: { maxWallMs: number; failed: 0; emailedTwice: 0 };
	met: boolean;
}

const HTTP_VARIANTS: Array<{ id: string; name: string; variant: HttpRequestVariant }> = [
	{
		id: 'benchHttpDefaults',
		name: 'HTTP Request + Switch, "Never Error", default batching',
		variant: { neverError: true },
	},
	{
		id: 'benchHttpBatch5',
		name: 'HTTP Request + Switch, "Never Error", batches of 5 every 200 ms',
		variant: { neverError: true, batch: { batchSize: 5, batchInterval: 200 } },
	},
	{
		id: 'benchHttpRetryOnFail',
		name: 'HTTP Request + Switch, Retry On Fail instead of "Never Error"',
		variant: { neverError: false },
	},
];

async function rateLimited(
	context: BenchContext,
	fullItems: number,
	real: RealN8nBench | undefined,
): Promise<RateLimitedResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const input = customers(items);
	const users = simulatorUsers(items);
	const prepare = () =>
		sim.prepare({ users, latencyMs: LATENCY_MS, maxInFlight: ADMITTED, rateLimitRetryAfter: 1 });
	const counts = async () => {
		const stats = await sim.stats();
		return {
			emailedTwice: emailedMoreThanOnce(stats.sentByEmail),
			requests: stats.requests,
			rateLimited: stats.statusCounts['429'] ?? 0,
		};
	};
	const failedOf = (routed: number[]) => items - routed[0] - routed[1] - routed[2];
	const rows: RateLimitedRow[] = [];

	const ours = {
		ms: [] as number[],
		failed: 0,
		emailedTwice: 0,
		requests: 0,
		rateLimited: 0,
		errors: [] as string[],
	};
	for (let rep = 0; rep < settings.reps; rep++) {
		await progress.run(
			`rate-limited API, ${items} items: our node (engine), run ${rep + 1}/${settings.reps}`,
			async () => {
				await prepare();
				const run = await runOurNode(sim.url, input, { concurrency: settings.concurrency });
				const seen = await counts();
				ours.ms.push(run.nodeMs);
				// The worst run counts: one failure or duplicate in any run is one too many.
				ours.failed = Math.max(ours.failed, failedOf(run.routed));
				ours.emailedTwice = Math.max(ours.emailedTwice, seen.emailedTwice);
				ours.requests = Math.max(ours.requests, seen.requests);
				ours.rateLimited = Math.max(ours.rateLimited, seen.rateLimited);
				if (run.workflowError) ours.errors.push(run.workflowError);
			},
		);
	}
	rows.push({
		name: `Gcore IAM node, default options, concurrency ${settings.concurrency}`,
		where: 'engine harness (n8n-core 2.41.1, Node 20)',
		wallMs: spread(ours.ms),
		failed: ours.failed,
		emailedTwice: ours.emailedTwice,
		requests: ours.requests,
		rateLimited: ours.rateLimited,
		workflowError: ours.errors[0],
	});

	if (real) {
		const realRow = async (name: string, run: () => Promise<RealN8nRun>) => {
			await prepare();
			const result = await run();
			const seen = await counts();
			rows.push({
				name,
				where: `real n8n ${real.version} (Node 24)`,
				wallMs: spread([result.nodesMs]),
				failed: failedOf(result.routed),
				...seen,
				workflowError: result.workflowError,
				cliMs: result.cliMs,
				startupMs: result.startupMs,
			});
		};
		await progress.run(`rate-limited API: our node in real n8n ${real.version}`, () =>
			realRow(`Gcore IAM node, default options, concurrency ${settings.concurrency}`, () =>
				real.runGcore('benchGcoreLimited', input, { concurrency: settings.concurrency }),
			),
		);
		for (const { id, name, variant } of HTTP_VARIANTS) {
			await progress.run(`rate-limited API: ${name} in real n8n ${real.version}`, () =>
				realRow(name, () => real.runHttpRequest(id, sim.url, input, variant)),
			);
		}
	}

	const admittedLimitMs = (items * LATENCY_MS) / ADMITTED;
	const maxWallMs = TARGET_OF_ADMITTED_LIMIT * admittedLimitMs;
	const mine = rows[0];
	return {
		items,
		admitted: ADMITTED,
		latencyMs: LATENCY_MS,
		retryAfterSeconds: 1,
		admittedLimitMs,
		rows,
		target: { maxWallMs, failed: 0, emailedTwice: 0 },
		met:
			mine.wallMs.median <= maxWallMs &&
			mine.failed === 0 &&
			mine.emailedTwice === 0 &&
			!mine.workflowError,
	};
}

function rateLimitedTable(r: RateLimitedResult): string[] {
	return [
		`Rate-limited API: ${count(r.items)} items, ${r.latencyMs} ms latency, ${r.admitted} admitted in flight, 429 + Retry-After: ${r.retryAfterSeconds} beyond (the admitted concurrency allows ${s(r.admittedLimitMs)}).`,
		'',
		'| Workflow | Run in | Wall time | Failed | E-mailed twice+ | Requests (429s) | n8n start-up (not in wall) |',
		'|---|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${row.name} | ${row.where} | ${s(row.wallMs.median)}${row.workflowError ? ' (workflow failed)' : ''} | ${row.failed} | ${row.emailedTwice} | ${count(row.requests)} (${count(row.rateLimited)}) | ${row.startupMs === undefined ? '–' : s(row.startupMs)} |`,
		),
	];
}

/** 500 items; with the real n8n, also our node and the HTTP Request + Switch variants there. */
export const rateLimitedScenario = scenario<RateLimitedResult>({
	name: 'rateLimited',
	reportOrder: 40,
	runs: { all: 7, speed: 3 },
	realN8n: 'uses',
	steps: (settings, withRealN8n) => settings.reps + (withRealN8n ? 1 + HTTP_VARIANTS.length : 0),
	run: (context) => rateLimited(context, 500, context.real),
	table: rateLimitedTable,
	targets: (r) => {
		const mine = r.rows[0];
		return [
			{
				name: `Rate-limited API: ours, ${count(r.items)} items`,
				value: `${s(mine.wallMs.median)}, ${mine.failed} failed, ${mine.emailedTwice} e-mailed twice`,
				target: `<= ${s(r.target.maxWallMs)}, 0 failed, 0 twice`,
				met: r.met,
			},
		];
	},
	figures: (r) => {
		const mine = r.rows[0];
		return mine
			? [
					{
						name: `Rate-limited API, ${count(r.items)} items: node wall time (in-process)`,
						value: round(mine.wallMs.median / 1000, 3),
						unit: 's',
					},
				]
			: [];
	},
});
