/**
 * npm run bench [-- --reps N] [-- --quick] [-- --no-real-n8n] [-- --only burst|speed|store] [-- --save-release]
 *
 * Builds the package, starts the Gcore IAM simulator in its own process, and runs the
 * scenarios of the benchmark (see the README, Performance): our node through n8n-core's real
 * WorkflowExecute (harness/engine) against raw axios/node:http clients, the rate-limited
 * API against HTTP Request + Switch in the real n8n 2.41.1 (e2e cache), memory (and its peer in
 * the real n8n), the burst of one-customer executions in-process and in the real n8n. Prints the
 * tables and writes bench/results/latest.json. `--only burst`: the burst alone (in-process, then
 * the real n8n unless --no-real-n8n), written to bench/results/burst.json. `--only store`: the
 * deduplication store's cost as the record grows (scenarios/storeCost.ts), to bench/results/store.json.
 * `--only speed`: the
 * per-request cost alone (throughput at 20 ms and 100 ms against the raw clients, the
 * rate-limited API in-process), written to bench/results/speed.json. Every run prints its
 * figures beside the last release's (bench/results/release.json, see releaseGuard.ts);
 * `--save-release` stores the run's figures there.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { BenchContext, BenchSettings } from './context';
import { Progress } from './progress';
import { RealN8nBench } from './realN8nBaseline';
import { compare, figuresOf, guardTable, readRelease, saveRelease, type Measured } from './releaseGuard';
import { burstTable, realBurstTable, realBurstTargets, renderTables, speedLines, targetsOf, type BenchReport } from './report';
import { burst, BURST_SIZES } from './scenarios/burst';
import { cpuAtZeroLatency } from './scenarios/cpu';
import { memory } from './scenarios/memory';
import { HTTP_VARIANTS, rateLimited } from './scenarios/rateLimited';
import { realBurst, REAL_BURST_STEPS } from './scenarios/realBurst';
import { realMemory, REAL_MEMORY_STEPS } from './scenarios/realMemory';
import { realThroughput } from './scenarios/realThroughput';
import { sentBefore } from './scenarios/sentBefore';
import { onlyStore } from './onlyStore';
import { throughput, THROUGHPUT_TARGET_100_MS, THROUGHPUT_TARGET_20_MS } from './scenarios/throughput';
import { warmUp } from './scenarios/warmUp';
import { REPO } from '../harness/ourPackage';
import { cleanupAll } from '../harness/processes';
import { startSimulatorProcess, type SimulatorProcess } from '../harness/simulatorProcess';
import { round } from './stats';

const RESULTS = path.join(REPO, 'bench', 'results');
const RELEASE_FILE = path.join(RESULTS, 'release.json');
const USAGE = 'usage: npm run bench [-- --reps N] [-- --quick] [-- --no-real-n8n] [-- --only burst|speed|store] [-- --save-release]';

function parseArgs(args: string[]): BenchSettings {
	const settings: BenchSettings = { reps: 3, concurrency: 10, realN8n: true, quick: false, saveRelease: false };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === '--quick') settings.quick = true;
		else if (arg === '--no-real-n8n') settings.realN8n = false;
		else if (arg === '--reps') settings.reps = Math.max(1, Math.floor(Number(args[++i])));
		else if (arg === '--only' && ['burst', 'speed', 'store'].includes(args[i + 1])) settings.only = args[++i] as 'burst' | 'speed' | 'store';
		else if (arg === '--save-release') settings.saveRelease = true;
		else throw new Error(`unknown argument ${arg}\n${USAGE}`);
	}
	if (!Number.isFinite(settings.reps)) throw new Error(`--reps needs a number\n${USAGE}`);
	if (settings.quick && !args.includes('--reps')) settings.reps = 1;
	if (settings.quick && settings.saveRelease) throw new Error(`--quick is a smoke test: its figures cannot be a release's\n${USAGE}`);
	return settings;
}

function git(args: string[]): string {
	const result = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() : '';
}

function build(): void {
	const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

function loadAverage(): number[] {
	return os.loadavg().map((value) => round(value, 2));
}

async function main(): Promise<void> {
	if (process.argv.includes('--help')) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	const settings = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const loadAverageAtStart = loadAverage();
	const commit = git(['rev-parse', 'HEAD']);
	const uncommitted = git(['status', '--porcelain', '--', 'nodes', 'credentials', 'package.json'])
		.split('\n')
		.filter(Boolean)
		.map((line) => line.slice(3));

	if (settings.only === 'burst') {
		await onlyBurst(settings, commit, uncommitted, loadAverageAtStart);
		return;
	}
	if (settings.only === 'speed') {
		await onlySpeed(settings, commit, uncommitted, loadAverageAtStart);
		return;
	}
	if (settings.only === 'store') {
		await onlyStore(settings, { commit, uncommitted, build, results: RESULTS });
		return;
	}

	const steps =
		1 + // warm-up
		3 * settings.reps * 3 + // throughput at 20 ms, 100 ms, 20 ms with jitter: ours, axios, node:http
		settings.reps * 3 + 1 + // CPU per item + profile
		settings.reps + // rate-limited: ours in the harness
		settings.reps + // memory probes
		3 * settings.reps * 2 + // sent-before check: 3 rows, without and with the store
		BURST_SIZES.length * settings.reps + // bursts of one-customer executions
		(settings.realN8n ? 1 + 1 + HTTP_VARIANTS.length + 2 + REAL_MEMORY_STEPS + REAL_BURST_STEPS : 0); // real n8n: set-up, ours + 3 HTTP variants, 2 throughput rows, memory peer, burst
	const progress = new Progress(steps + 1);
	await progress.run('building the package (npm run build)', async () => build());

	let sim: SimulatorProcess | undefined;
	let real: RealN8nBench | undefined;
	const stop = stopOnInterrupt(progress, () => real);
	try {
		sim = await startSimulatorProcess();
		const context: BenchContext = { sim, progress, settings };
		await warmUp(context);
		const fast = await throughput(context, 2000, 20, THROUGHPUT_TARGET_20_MS);
		const slow = await throughput(context, 500, 100, THROUGHPUT_TARGET_100_MS);
		const jittery = await throughput(context, 2000, 20, undefined, 20);
		const cpu = await cpuAtZeroLatency(context, 2000, RESULTS);
		const mem = await memory(context, 10_000, 60);
		const skipCheck = await sentBefore(context);
		const bursts = await burst(context);
		let realError: string | undefined;
		if (settings.realN8n) {
			const simulatorUrl = sim.url;
			real = await progress
				.run('real n8n 2.41.1: cache (first time: several minutes), user folder, our package, credentials', () =>
					RealN8nBench.start(simulatorUrl, true),
				)
				.catch((error: unknown) => {
					realError = (error as Error).message;
					progress.note(`real n8n unavailable, its rows are skipped: ${realError.split('\n')[0]}`);
					return undefined;
				});
		}
		const limited = await rateLimited(context, 500, real);
		const realRows = real ? await realThroughput(context, 2000, real) : undefined;
		const realMem = real ? await realMemory(context, 10_000, real) : undefined;
		// Last: it runs `n8n start` on the instance the `n8n execute` rows above used.
		const realBursts = real ? await realBurst(context, real) : undefined;
		progress.done();

		const partial: Omit<BenchReport, 'targets'> = {
			createdAt: new Date().toISOString(),
			commit,
			uncommitted,
			machine: {
				cpus: os.cpus().length,
				cpuModel: os.cpus()[0]?.model ?? 'unknown',
				memoryGb: round(os.totalmem() / 1024 ** 3, 1),
				node: process.versions.node,
				platform: `${os.platform()} ${os.release()}`,
				loadAverageAtStart,
				loadAverageAtEnd: loadAverage(),
			},
			settings,
			durationSeconds: round((Date.now() - started) / 1000),
			throughput: [fast, slow, jittery],
			cpu,
			rateLimited: limited,
			memory: mem,
			sentBefore: skipCheck,
			burst: bursts,
			realBurst: realBursts,
			realMemory: realMem,
			realN8nThroughput: realRows,
		};
		const report: BenchReport = { ...partial, targets: targetsOf(partial) };
		mkdirSync(RESULTS, { recursive: true });
		const file = path.join(RESULTS, settings.quick ? 'quick.json' : 'latest.json');
		const guard = againstRelease(report, settings, { commit, createdAt: report.createdAt, loadAverageAtStart });
		writeFileSync(file, `${JSON.stringify({ ...report, realN8nError: realError, againstRelease: guard.comparisons }, null, 2)}\n`);
		process.stdout.write(`${renderTables(report)}\n\n${guard.lines.join('\n')}\n\nWritten to ${path.relative(REPO, file)}\n`);
	} finally {
		progress.done();
		await stop();
	}
}

/** Stops every process the bench started (simulators, n8n) and removes the real n8n's folder: at the end, and on Ctrl-C. */
function stopOnInterrupt(progress: Progress, real: () => RealN8nBench | undefined): () => Promise<void> {
	const stop = async () => {
		await cleanupAll();
		real()?.dispose();
	};
	process.once('SIGINT', () => {
		progress.done();
		void stop().finally(() => process.exit(130));
	});
	return stop;
}

/**
 * `--only burst`: the burst scenario alone, in-process, then in the real n8n (unless
 * --no-real-n8n), written to bench/results/burst.json.
 */
async function onlyBurst(settings: BenchSettings, commit: string, uncommitted: string[], loadAverageAtStart: number[]): Promise<void> {
	const started = Date.now();
	const progress = new Progress(1 + BURST_SIZES.length * settings.reps + (settings.realN8n ? 1 + REAL_BURST_STEPS : 0));
	let real: RealN8nBench | undefined;
	const stop = stopOnInterrupt(progress, () => real);
	try {
		await progress.run('building the package (npm run build)', async () => build());
		const result = await burst({ progress, settings });
		let realResult: Awaited<ReturnType<typeof realBurst>> | undefined;
		let realError: string | undefined;
		if (settings.realN8n) {
			const sim = await startSimulatorProcess();
			real = await progress
				.run('real n8n 2.41.1: cache (first time: several minutes), user folder, our package, credentials', () => RealN8nBench.start(sim.url, true))
				.catch((error: unknown) => {
					realError = (error as Error).message;
					progress.note(`real n8n unavailable, its rows are skipped: ${realError.split('\n')[0]}`);
					return undefined;
				});
			if (real) realResult = await realBurst({ sim, progress, settings }, real);
		}
		progress.done();
		const file = path.join(RESULTS, 'burst.json');
		mkdirSync(RESULTS, { recursive: true });
		const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageAtStart, loadAverageAtEnd: loadAverage() };
		const durationSeconds = round((Date.now() - started) / 1000);
		const createdAt = new Date().toISOString();
		const guard = againstRelease({ burst: result }, settings, { commit, createdAt, loadAverageAtStart });
		const report = { createdAt, commit, uncommitted, machine, settings, durationSeconds, burst: result, realBurst: realResult, realN8nError: realError, againstRelease: guard.comparisons };
		writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
		const lines = [
			`Load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverageAtEnd.join(' ')} at end; ${durationSeconds} s in all.`,
			'',
			...burstTable(result),
			...(realResult ? ['', ...realBurstTable(realResult)] : []),
			...realBurstTargets(realResult).map((t) => `\n${t.name}: ${t.value} (wanted ${t.target}): ${t.met ? 'met' : 'MISSED'}`),
			'',
			...guard.lines,
		];
		process.stdout.write(`${lines.join('\n')}\n\nWritten to ${path.relative(REPO, file)}\n`);
	} finally {
		progress.done();
		await stop();
	}
}

/**
 * `--only speed`: what a request costs, alone: warm-up, the throughput rows at 20 ms and 100 ms
 * against the raw clients, and the rate-limited API in-process. Written to bench/results/speed.json.
 */
async function onlySpeed(settings: BenchSettings, commit: string, uncommitted: string[], loadAverageAtStart: number[]): Promise<void> {
	const started = Date.now();
	const progress = new Progress(2 + 2 * settings.reps * 3 + settings.reps);
	const stop = stopOnInterrupt(progress, () => undefined);
	try {
		await progress.run('building the package (npm run build)', async () => build());
		const sim = await startSimulatorProcess();
		const context: BenchContext = { sim, progress, settings };
		await warmUp(context);
		const fast = await throughput(context, 2000, 20, THROUGHPUT_TARGET_20_MS);
		const slow = await throughput(context, 500, 100, THROUGHPUT_TARGET_100_MS);
		const limited = await rateLimited(context, 500, undefined);
		progress.done();
		const createdAt = new Date().toISOString();
		const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageAtStart, loadAverageAtEnd: loadAverage() };
		const durationSeconds = round((Date.now() - started) / 1000);
		const guard = againstRelease({ throughput: [fast, slow], rateLimited: limited }, settings, { commit, createdAt, loadAverageAtStart });
		const report = { createdAt, commit, uncommitted, machine, settings, durationSeconds, throughput: [fast, slow], rateLimited: limited, againstRelease: guard.comparisons };
		const file = path.join(RESULTS, 'speed.json');
		mkdirSync(RESULTS, { recursive: true });
		writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
		const lines = [
			`Commit ${commit.slice(0, 7)}${uncommitted.length ? ' with uncommitted changes' : ''}; load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverageAtEnd.join(' ')} at end; ${durationSeconds} s in all; medians of ${settings.reps}.`,
			'',
			...speedLines([fast, slow], limited),
			'',
			...guard.lines,
		];
		process.stdout.write(`${lines.join('\n')}\n\nWritten to ${path.relative(REPO, file)}\n`);
	} finally {
		progress.done();
		await stop();
	}
}

/** The run's figures beside the last release's; with --save-release, stores them as the release's. */
function againstRelease(measured: Measured, settings: BenchSettings, run: { commit: string; createdAt: string; loadAverageAtStart: number[] }) {
	const figures = figuresOf(measured);
	const comparisons = compare(figures, readRelease(RELEASE_FILE));
	const lines = settings.quick ? ['(quick mode: not compared with the last release)'] : guardTable(comparisons, path.relative(REPO, RELEASE_FILE));
	if (settings.saveRelease) {
		saveRelease(RELEASE_FILE, figures, run);
		lines.push('', `Stored as the last release's figures in ${path.relative(REPO, RELEASE_FILE)}.`);
	}
	return { comparisons, lines };
}

main().catch((error: unknown) => {
	process.stderr.write(`\n${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
