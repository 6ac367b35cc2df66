/**
 * Scenario: a burst of executions, one customer each (a CRM trigger firing for a bulk
 * import), all started at once in one process through n8n-core's real WorkflowExecute. The API
 * takes 20 ms, admits 5 requests in flight and answers 429 + Retry-After: 1 beyond. Every
 * repetition gets a simulator of its own (a new Base URL: an account the node knows nothing
 * about yet), so each burst starts cold, as the first one after n8n starts does.
 * Failed = executions whose customer reached none of the three outcome branches; e-mailed
 * twice = addresses the simulator answered 2xx more than once. Target: 0 failed, 0 twice, and
 * a wall time within 2 s plus twice what the admitted concurrency allows.
 */
import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { customers, simulatorUsers } from '../customers';
import { runOurNode } from '../ourNode';
import { count, mark, runSeconds, s } from '../report';
import { scenario, type Target } from '../scenario';
import { startSimulatorProcess } from '../../harness/simulatorProcess';
import { emailedMoreThanOnce, round, spread, type Spread } from '../stats';

/** The API of every burst, in-process and in the real n8n: it admits this many requests in flight, 429 + Retry-After beyond. */
export const ADMITTED = 5;
export const RETRY_AFTER_SECONDS = 1;
const LATENCY_MS = 20;

export interface BurstRow {
	executions: number;
	/** From the first execution's start to the last one's end. */
	wallMs: Spread;
	/**
	 * The same burst against an API without a limit: what the engine's own work for that many
	 * executions costs on this machine (a floor no rate limit handling can beat).
	 */
	unlimitedWallMs: Spread;
	/** Worst repetition. */
	failed: number;
	emailedTwice: number;
	requests: number;
	rateLimited: number;
	/** executions × latency ÷ admitted. */
	admittedLimitMs: number;
	maxWallMs: number;
	met: boolean;
	workflowErrors: string[];
}

/** Where a burst ran and the API it met. */
export interface BurstSetting {
	where: string;
	latencyMs: number;
	admitted: number;
	retryAfterSeconds: number;
}

export interface BurstResult extends BurstSetting {
	rows: BurstRow[];
	met: boolean;
}

export const BURST_SIZES = [200, 1000];

async function burst(context: Pick<BenchContext, 'progress' | 'settings'>): Promise<BurstResult> {
	const rows: BurstRow[] = [];
	for (const fullSize of BURST_SIZES)
		rows.push(await burstOf(context, itemsFor(context, fullSize)));
	return {
		where: 'engine harness (n8n-core 2.41.1, Node 20), one process',
		latencyMs: LATENCY_MS,
		admitted: ADMITTED,
		retryAfterSeconds: RETRY_AFTER_SECONDS,
		rows,
		met: rows.every((row) => row.met),
	};
}

async function burstOf(
	context: Pick<BenchContext, 'progress' | 'settings'>,
	executions: number,
): Promise<BurstRow> {
	const { progress, settings } = context;
	const input = customers(executions);
	const users = simulatorUsers(executions);
	const wall: number[] = [];
	const unlimitedWall: number[] = [];
	const worst = { failed: 0, emailedTwice: 0, requests: 0, rateLimited: 0 };
	const workflowErrors: string[] = [];
	for (let rep = 0; rep < settings.reps; rep++) {
		await progress.run(
			`burst: ${executions} one-customer executions at once, run ${rep + 1}/${settings.reps}`,
			async () => {
				let sim = await startSimulatorProcess();
				try {
					const runAll = async () => {
						const started = performance.now();
						const runs = await Promise.all(
							input.map((item) =>
								runOurNode(sim.url, [item], { concurrency: settings.concurrency }),
							),
						);
						return { runs, ms: performance.now() - started };
					};
					await sim.prepare({ users, latencyMs: LATENCY_MS });
					unlimitedWall.push((await runAll()).ms);
					// Another simulator, so that the limited burst meets an account the node knows nothing about.
					await sim.stop();
					sim = await startSimulatorProcess();
					await sim.prepare({
						users,
						latencyMs: LATENCY_MS,
						maxInFlight: ADMITTED,
						rateLimitRetryAfter: RETRY_AFTER_SECONDS,
					});
					const { runs, ms } = await runAll();
					wall.push(ms);
					const stats = await sim.stats();
					const failed = runs.filter(
						(run) => run.routed[0] + run.routed[1] + run.routed[2] !== 1,
					).length;
					worst.failed = Math.max(worst.failed, failed);
					worst.emailedTwice = Math.max(worst.emailedTwice, emailedMoreThanOnce(stats.sentByEmail));
					worst.requests = Math.max(worst.requests, stats.requests);
					worst.rateLimited = Math.max(worst.rateLimited, stats.statusCounts['429'] ?? 0);
					for (const run of runs) if (run.workflowError) workflowErrors.push(run.workflowError);
				} finally {
					await sim.stop();
				}
			},
		);
	}
	const admittedLimitMs = (executions * LATENCY_MS) / ADMITTED;
	const maxWallMs = 2_000 + 2 * admittedLimitMs;
	const wallMs = spread(wall);
	return {
		executions,
		wallMs,
		unlimitedWallMs: spread(unlimitedWall),
		...worst,
		admittedLimitMs,
		maxWallMs,
		met:
			wallMs.median <= maxWallMs &&
			worst.failed === 0 &&
			worst.emailedTwice === 0 &&
			workflowErrors.length === 0,
		workflowErrors: [...new Set(workflowErrors)].slice(0, 3),
	};
}

function burstTable(r: BurstResult): string[] {
	return [
		`Burst: one-customer executions started at once, ${r.where}; API at ${r.latencyMs} ms, ${r.admitted} admitted in flight, 429 + Retry-After: ${r.retryAfterSeconds} beyond; each run against an account the node knew nothing about.`,
		'',
		'| Executions | Wall time (median; runs) | Failed | E-mailed twice+ | Requests (429s) | Admitted concurrency allows | Same burst, API without limit | Target | |',
		'|---|---|---|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${count(row.executions)} | ${s(row.wallMs.median)} (${runSeconds(row.wallMs)}) | ${row.failed} | ${row.emailedTwice} | ${count(row.requests)} (${count(row.rateLimited)}) | ${s(row.admittedLimitMs)} | ${s(row.unlimitedWallMs.median)} (${runSeconds(row.unlimitedWallMs)}) | <= ${s(row.maxWallMs)}, 0 failed, 0 twice | ${mark(row.met)} |`,
		),
	];
}

function burstTargets(r: BurstResult): Target[] {
	return r.rows.map((row) => ({
		name: `Burst: ${count(row.executions)} one-customer executions at once (in-process)`,
		value: `${s(row.wallMs.median)}, ${row.failed} failed, ${row.emailedTwice} e-mailed twice`,
		target: `<= ${s(row.maxWallMs)}, 0 failed, 0 twice`,
		met: row.met,
	}));
}

/** Each burst size, per repetition; every burst meets simulators of its own. */
export const burstScenario = scenario<BurstResult>({
	name: 'burst',
	reportOrder: 70,
	runs: { all: 6, burst: 1 },
	steps: (settings) => BURST_SIZES.length * settings.reps,
	run: burst,
	table: burstTable,
	targets: burstTargets,
	figures: (r) =>
		r.rows.map((row) => ({
			name: `Burst of ${count(row.executions)} executions (in-process): wall time`,
			value: round(row.wallMs.median / 1000, 3),
			unit: 's',
		})),
});
