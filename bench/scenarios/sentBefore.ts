/**
 * Scenario 5: what "Skip If Invited Within" costs. The same items through our node in fresh
 * processes (bench/sentBeforeProbe.ts), alternately without a deduplication store (the check
 * off: the node as it was before it) and with n8n's store (in-memory, installed as n8n's server
 * does), every address new: one check before sending, writes every 5 s and at the end.
 * Medians of the node's time and of the process CPU per item.
 */
import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { expectedCounts, simulatorUsers } from '../customers';
import { runProbe } from '../probeProcess';
import { count, mark, s } from '../report';
import { scenario } from '../scenario';
import type { SentBeforeProbeOutput } from '../sentBeforeProbe';
import { round, spread, type Spread } from '../stats';

export interface SentBeforeRow {
	items: number;
	latencyMs: number;
	noStoreMs: Spread;
	withStoreMs: Spread;
	/** withStore ÷ noStore, medians. */
	ratio: number;
	/** CPU per item of the first run (process CPU ÷ items), medians, ms. */
	cpuMsPerItem: { noStore: number; withStore: number };
	/** The second run with the store: sent addresses skipped, the others asked again. */
	secondRunMs: Spread;
	skippedInSecondRun: number;
	storeCallsPerRun: number;
	storedValues: number;
	target?: number;
	met: boolean;
	problems: string[];
}

export interface SentBeforeResult {
	concurrency: number;
	rows: SentBeforeRow[];
}

const ROWS: { items: number; latencyMs: number; target?: number }[] = [
	{ items: 500, latencyMs: 100, target: 1.03 },
	{ items: 2000, latencyMs: 20 },
	{ items: 10_000, latencyMs: 20 },
];

async function sentBefore(context: BenchContext): Promise<SentBeforeResult> {
	const { sim, progress, settings } = context;
	const rows: SentBeforeRow[] = [];
	for (const row of ROWS) {
		const items = itemsFor(context, row.items);
		const expected = expectedCounts(items);
		const runs = { none: [] as SentBeforeProbeOutput[], store: [] as SentBeforeProbeOutput[] };
		for (let rep = 0; rep < settings.reps; rep++) {
			const order = rep % 2 === 0 ? (['none', 'store'] as const) : (['store', 'none'] as const);
			for (const variant of order) {
				const label = `sent-before check: ${items} items at ${row.latencyMs} ms, ${variant === 'store' ? 'with' : 'without'} the store, run ${rep + 1}/${settings.reps} (fresh process)`;
				runs[variant].push(
					await progress.run(label, async () => {
						await sim.prepare({ users: simulatorUsers(items), latencyMs: row.latencyMs });
						return await runProbe<SentBeforeProbeOutput>('sentBeforeProbe.ts', [
							sim.url,
							String(items),
							String(settings.concurrency),
							variant,
						]);
					}),
				);
			}
		}
		const problems: string[] = [];
		const wanted = [expected.sent, expected.alreadyActivated, expected.notFound, 0];
		for (const run of [...runs.none, ...runs.store]) {
			if (run.workflowError || run.firstRouted.some((count, output) => count !== wanted[output])) {
				problems.push(
					`${run.withStore ? 'with' : 'without'} store: routed ${run.firstRouted.join('/')} ${run.workflowError ?? ''}`.trim(),
				);
			}
		}
		const skipped = runs.store[0].skippedInSecondRun;
		if (skipped !== expected.sent)
			problems.push(
				`second run with the store: ${skipped} skipped as sentBefore, wanted ${expected.sent}`,
			);
		const noStoreMs = spread(runs.none.map((run) => run.firstMs));
		const withStoreMs = spread(runs.store.map((run) => run.firstMs));
		const ratio = round(withStoreMs.median / noStoreMs.median, 3);
		rows.push({
			items,
			latencyMs: row.latencyMs,
			noStoreMs,
			withStoreMs,
			ratio,
			cpuMsPerItem: {
				noStore: round(spread(runs.none.map((run) => run.firstCpuMs / items)).median, 3),
				withStore: round(spread(runs.store.map((run) => run.firstCpuMs / items)).median, 3),
			},
			secondRunMs: spread(runs.store.map((run) => run.secondMs)),
			skippedInSecondRun: skipped,
			storeCallsPerRun: runs.store[0].storeCalls,
			storedValues: runs.store[0].storedValues,
			target: row.target,
			met: (row.target === undefined || ratio <= row.target) && problems.length === 0,
			problems,
		});
	}
	return { concurrency: settings.concurrency, rows };
}

function sentBeforeTable(r: SentBeforeResult): string[] {
	return [
		`Skip If Invited Within (default 10 min): the node without a deduplication store (check off) and with n8n's store (in-memory, every address new: one check, then the new successes written every 5 s and at the end), ${r.concurrency} in flight, fresh process per run.`,
		'',
		'| Work | Without store | With store | with ÷ without | CPU per item without / with | Second run (sent ones skipped) | Store calls per run | Values stored | Target |',
		'|---|---|---|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${count(row.items)} items, ${row.latencyMs} ms | ${s(row.noStoreMs.median)} | ${s(row.withStoreMs.median)} | ${row.ratio.toFixed(3)} | ${row.cpuMsPerItem.noStore.toFixed(3)} / ${row.cpuMsPerItem.withStore.toFixed(3)} ms | ${s(row.secondRunMs.median)} (${count(row.skippedInSecondRun)} skipped) | ${row.storeCallsPerRun} | ${count(row.storedValues)} | ${row.target === undefined ? 'none (for reference)' : `<= ${row.target.toFixed(2)} ${mark(row.met)}`} |`,
		),
	];
}

/** Each row without and with the store, per repetition. */
export const sentBeforeScenario = scenario<SentBeforeResult>({
	name: 'sentBefore',
	reportOrder: 60,
	runs: { all: 5 },
	steps: (settings) => ROWS.length * settings.reps * 2,
	run: sentBefore,
	table: sentBeforeTable,
	targets: (r) =>
		r.rows
			.filter((row) => row.target !== undefined)
			.map((row) => ({
				name: `Skip If Invited Within: with ÷ without the store, ${count(row.items)} items at ${row.latencyMs} ms`,
				value: row.ratio.toFixed(3),
				target: `<= ${row.target?.toFixed(2)}`,
				met: row.met,
			})),
	figures: (r) =>
		r.rows.map((row) => ({
			name: `Skip If Invited Within, ${count(row.items)} items × ${row.latencyMs} ms: with ÷ without the store`,
			value: row.ratio,
			unit: '×',
		})),
	problems: (r) => r.rows.flatMap((row) => row.problems),
});
