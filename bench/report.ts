/** The benchmark's report: the JSON written to bench/results/latest.json and its tables. */
import type { BurstResult } from './scenarios/burst';
import type { CpuResult } from './scenarios/cpu';
import type { MemoryResult } from './scenarios/memory';
import type { RateLimitedResult } from './scenarios/rateLimited';
import type { RealBurstResult } from './scenarios/realBurst';
import type { RealMemoryResult } from './scenarios/realMemory';
import type { RealThroughputResult } from './scenarios/realThroughput';
import type { SentBeforeResult } from './scenarios/sentBefore';
import type { ThroughputResult } from './scenarios/throughput';
import type { BenchSettings } from './context';

export interface Target {
	name: string;
	value: string;
	target: string;
	met: boolean;
}

export interface BenchReport {
	createdAt: string;
	commit: string;
	/** Files of the package that differed from the commit when the run started. */
	uncommitted: string[];
	machine: {
		cpus: number;
		cpuModel: string;
		memoryGb: number;
		node: string;
		platform: string;
		loadAverageAtStart: number[];
		loadAverageAtEnd: number[];
	};
	settings: BenchSettings;
	durationSeconds: number;
	throughput: ThroughputResult[];
	cpu: CpuResult;
	rateLimited: RateLimitedResult;
	memory: MemoryResult;
	sentBefore: SentBeforeResult;
	burst: BurstResult;
	realN8nThroughput?: RealThroughputResult;
	/** The burst in the real n8n (skipped by --no-real-n8n). */
	realBurst?: RealBurstResult;
	/** The memory figure's peer: ours and HTTP Request + Switch in the real n8n. */
	realMemory?: RealMemoryResult;
	targets: Target[];
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pct = (share: number) => `${Math.round(share * 100)} %`;
const count = (n: number) => n.toLocaleString('en-US');
const runs = (spread: { runs: number[] }) => spread.runs.map((ms) => (ms / 1000).toFixed(2)).join(', ');
const mark = (met: boolean) => (met ? 'met' : '**missed**');

export function targetsOf(report: Omit<BenchReport, 'targets'>): Target[] {
	const targets: Target[] = report.throughput.flatMap((t) =>
		t.target === undefined
			? []
			: [
					{
						name: `Our time ÷ raw client, ${count(t.items)} items at ${t.latencyMs} ms`,
						value: `${t.ratio.vsFasterRaw.toFixed(2)}`,
						target: `<= ${t.target.toFixed(2)}`,
						met: t.met,
					},
				],
	);
	const mine = report.rateLimited.rows[0];
	targets.push({
		name: `Rate-limited API: ours, ${count(report.rateLimited.items)} items`,
		value: `${s(mine.wallMs.median)}, ${mine.failed} failed, ${mine.emailedTwice} e-mailed twice`,
		target: `<= ${s(report.rateLimited.target.maxWallMs)}, 0 failed, 0 twice`,
		met: report.rateLimited.met,
	});
	for (const row of report.burst.rows) {
		targets.push({
			name: `Burst: ${count(row.executions)} one-customer executions at once (in-process)`,
			value: `${s(row.wallMs.median)}, ${row.failed} failed, ${row.emailedTwice} e-mailed twice`,
			target: `<= ${s(row.maxWallMs)}, 0 failed, 0 twice`,
			met: row.met,
		});
	}
	targets.push(...realBurstTargets(report.realBurst));
	targets.push({
		name: `Memory: ${count(report.memory.items)} items, peak RSS above idle engine`,
		value: `${report.memory.peakAboveIdleMb} MB`,
		target: `<= ${report.memory.targetMb} MB`,
		met: report.memory.met,
	});
	for (const row of report.sentBefore.rows.filter((r) => r.target !== undefined)) {
		targets.push({
			name: `Skip If Invited Within: with ÷ without the store, ${count(row.items)} items at ${row.latencyMs} ms`,
			value: row.ratio.toFixed(3),
			target: `<= ${row.target?.toFixed(2)}`,
			met: row.met,
		});
	}
	return targets;
}

function throughputTable(rows: ThroughputResult[]): string[] {
	const cell = (t: ThroughputResult['axios']) => `${s(t.ms.median)} · ${Math.round(t.itemsPerSecond)}/s · ${pct(t.ofLimit)}`;
	return [
		'| Work (10 in flight) | Physical limit | Gcore IAM node (n8n engine) | raw axios | raw node:http | ours ÷ raw | Target |',
		'|---|---|---|---|---|---|---|',
		...rows.map(
			(t) =>
				`| ${count(t.items)} items, ${t.latencyMs} ms latency${t.jitterMs ? ` + 0–${t.jitterMs} ms jitter` : ''} | ${s(t.limitMs)} · ${Math.round(t.limitItemsPerSecond)}/s | ${cell(t.ours)} | ${cell(t.axios)} | ${cell(t.nodeHttp)} | ` +
				`${t.ratio.vsFasterRaw.toFixed(2)} (vs axios ${t.ratio.vsAxios.toFixed(2)}) | ${t.target === undefined ? 'none (for reference)' : `<= ${t.target.toFixed(2)} ${mark(t.met)}`} |`,
		),
	];
}

function cpuTable(cpu: CpuResult): string[] {
	const ms = (value: number) => `${value.toFixed(3)} ms`;
	const lines = [
		`| CPU per item at 0 ms latency (${count(cpu.items)} items) | Gcore IAM node (n8n engine) | raw axios | raw node:http |`,
		'|---|---|---|---|',
		`| median (min–max) | ${ms(cpu.ours.median)} (${ms(cpu.ours.min)}–${ms(cpu.ours.max)}) | ${ms(cpu.axios.median)} | ${ms(cpu.nodeHttp.median)} |`,
		'',
		`Where our node's CPU goes (V8 sampling profile of one zero-latency run, ${count(cpu.profile.itemsProfiled)} items, ${s(cpu.profile.busyMs)} busy; profiler overhead included):`,
		'',
		'| Self time by area | ms | share |',
		'|---|---|---|',
		...cpu.profile.byArea.filter((a) => a.share >= 0.01).map((a) => `| ${a.area} | ${Math.round(a.ms)} | ${pct(a.share)} |`),
		'',
		'| Inclusive time (synchronous part) | ms | share |',
		'|---|---|---|',
		...cpu.profile.byFunction.map((f) => `| ${f.name.trim()} | ${Math.round(f.ms)} | ${pct(f.share)} |`),
	];
	return lines;
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

/** `--only speed`: the throughput rows and the rate-limited API (in-process), with their targets. */
export function speedLines(rows: ThroughputResult[], limited: RateLimitedResult): string[] {
	const mine = limited.rows[0];
	return [
		...throughputTable(rows),
		'',
		...rateLimitedTable(limited),
		'',
		`Rate-limited API: ${s(mine.wallMs.median)} (runs ${runs(mine.wallMs)}), ${mine.failed} failed, ${mine.emailedTwice} e-mailed twice (wanted <= ${s(limited.target.maxWallMs)}, 0, 0): ${mark(limited.met)}`,
		...rows.flatMap((t) => (t.problems.length ? ['', ...t.problems.map((p) => `- ${p}`)] : [])),
	];
}

export function burstTable(r: BurstResult): string[] {
	return [
		`Burst: one-customer executions started at once, ${r.where}; API at ${r.latencyMs} ms, ${r.admitted} admitted in flight, 429 + Retry-After: ${r.retryAfterSeconds} beyond; each run against an account the node knew nothing about.`,
		'',
		'| Executions | Wall time (median; runs) | Failed | E-mailed twice+ | Requests (429s) | Admitted concurrency allows | Same burst, API without limit | Target | |',
		'|---|---|---|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${count(row.executions)} | ${s(row.wallMs.median)} (${runs(row.wallMs)}) | ${row.failed} | ${row.emailedTwice} | ${count(row.requests)} (${count(row.rateLimited)}) | ${s(row.admittedLimitMs)} | ${s(row.unlimitedWallMs.median)} (${runs(row.unlimitedWallMs)}) | <= ${s(row.maxWallMs)}, 0 failed, 0 twice | ${mark(row.met)} |`,
		),
	];
}

export function realBurstTargets(r: RealBurstResult | undefined): Target[] {
	return (r?.rows ?? [])
		.filter((row) => row.ours)
		.map((row) => ({
			name: `Burst: ${count(row.executions)} one-customer executions at once (${r?.where.split(' (')[0]}, ${r?.latencyMs} ms)`,
			value: `${s(row.wallMs)}, ${row.failed} failed, ${refusedCell(row.refused)} refused by n8n, ${row.emailedTwice} e-mailed twice`,
			target: `<= ${s(row.maxWallMs ?? 0)}, 0 failed, 0 refused, 0 twice`,
			met: row.met ?? false,
		}));
}

const refusedCell = (refused: Record<string, number>) =>
	Object.entries(refused)
		.map(([status, n]) => `${n} × ${status === '0' ? 'no answer' : status}`)
		.join(', ') || '0';

export function realBurstTable(r: RealBurstResult): string[] {
	return [
		`Burst in the ${r.where}: one customer per POST to the workflow's production webhook URL, all POSTs at once; API at ${r.latencyMs} ms, ${r.admitted} admitted in flight, 429 + Retry-After: ${r.retryAfterSeconds} beyond; one run per row; our node meets an account it knows nothing about in each. Wall time: first POST to the last execution stopped (n8n's record). Failed: executions not successful or whose customer reached none of the three branches (with Retry On Fail and without "Never Error", a 400 or 404 answer is an error: the 1 in 10 customers already activated or unknown (of every 20: 18 invited, 1 active, 1 unknown) fail there by design). Refused: POSTs n8n itself answered other than 200 (after redelivering 503s; no execution, the node never saw them). Never e-mailed: invited customers the API never answered 2xx.`,
		'',
		'| Executions | Workflow | Wall time | Failed | Refused by n8n | Never e-mailed | E-mailed twice+ | Requests (429s) | Admitted concurrency allows | Target | |',
		'|---|---|---|---|---|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${count(row.executions)} | ${row.name} | ${s(row.wallMs)} | ${row.failed} | ${refusedCell(row.refused)} | ${row.neverEmailed} | ${row.emailedTwice} | ${count(row.requests)} (${count(row.rateLimited)}) | ${s(row.admittedLimitMs)} | ` +
				(row.ours ? `<= ${s(row.maxWallMs ?? 0)}, 0 failed, 0 refused, 0 twice | ${mark(row.met ?? false)} |` : '– | |'),
		),
	];
}

function realMemoryTable(r: RealMemoryResult): string[] {
	return [
		`Memory beside a peer, in the real n8n ${r.n8nVersion} (\`n8n start\`, a fresh server each; Webhook with the customers → Code → the workflow → the branches): ${count(r.items)} items at ${r.latencyMs} ms; peak resident set of the n8n process (kernel high-water mark) while the items run and n8n saves the execution, above the server's after a warm-up run.`,
		'',
		'| Workflow | Peak RSS above the warmed-up server | Peak RSS | Server before | Execution took | Failed |',
		'|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${row.name} | ${row.peakAboveStartMb} MB | ${row.peakRssMb} MB | ${row.startRssMb} MB | ${s(row.executionMs)}${row.status === 'success' ? '' : ` (${row.status})`} | ${row.failed} |`,
		),
	];
}

function memoryTable(m: MemoryResult): string[] {
	return [
		`Memory: ${count(m.items)} items (${m.latencyMs} ms latency, ${s(m.nodeMs)}), in a fresh process; idle engine ${m.idleRssMb} MB RSS.`,
		'',
		'| Peak RSS above idle, median (target) | Heap peak above idle | Live heap above idle (GC every 1 s) | Heap kept after the run (run data held) | raw axios loop, peak RSS above idle | Target |',
		'|---|---|---|---|---|---|',
		`| ${m.peakAboveIdleMb} MB (runs: ${m.peakAboveIdleRunsMb.join(', ')}) | ${m.heapPeakAboveIdleMb} MB | ${m.livePeakAboveIdleMb} MB | ${m.retainedAfterRunMb} MB | ${m.rawAxiosPeakAboveIdleMb} MB | <= ${m.targetMb} MB ${mark(m.met)} |`,
	];
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

function realTable(r: RealThroughputResult): string[] {
	return [
		`In the real n8n ${r.n8nVersion} (Node 24, \`n8n execute\`): ${count(r.items)} items at ${r.latencyMs} ms, limit ${s(r.limitMs)}.`,
		'',
		'| Workflow | Wall time (nodes) | Items/s | Of limit | Failed | n8n start-up (not in wall) |',
		'|---|---|---|---|---|---|',
		...r.rows.map(
			(row) =>
				`| ${row.name} | ${s(row.nodesMs)}${row.workflowError ? ' (workflow failed)' : ''} | ${Math.round(row.itemsPerSecond)} | ${pct(row.ofLimit)} | ${row.failed} | ${s(row.startupMs)} |`,
		),
	];
}

export function renderTables(report: BenchReport): string {
	const m = report.machine;
	const lines = [
		`Gcore IAM node benchmark, ${report.createdAt} (commit ${report.commit.slice(0, 7)}${report.uncommitted.length ? ', with uncommitted changes' : ''})`,
		`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end.`,
		`Medians of ${report.settings.reps} runs${report.settings.quick ? ' (QUICK MODE: fewer items, not a result)' : ''}; simulator in its own process on 127.0.0.1.`,
		'',
		...throughputTable(report.throughput),
		'',
		...cpuTable(report.cpu),
		'',
		...rateLimitedTable(report.rateLimited),
		'',
		...memoryTable(report.memory),
		'',
		...sentBeforeTable(report.sentBefore),
		'',
		...burstTable(report.burst),
	];
	if (report.realBurst) lines.push('', ...realBurstTable(report.realBurst));
	if (report.realMemory) lines.push('', ...realMemoryTable(report.realMemory));
	if (report.realN8nThroughput) lines.push('', ...realTable(report.realN8nThroughput));
	lines.push('', '| Target | Value | Wanted | |', '|---|---|---|---|', ...report.targets.map((t) => `| ${t.name} | ${t.value} | ${t.target} | ${mark(t.met)} |`));
	const problems = [...report.throughput.flatMap((t) => t.problems), ...report.sentBefore.rows.flatMap((r) => r.problems)];
	if (problems.length) lines.push('', 'Problems seen:', ...problems.map((p) => `- ${p}`));
	return lines.join('\n');
}
