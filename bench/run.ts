/**
 * npm run bench [-- --reps N] [-- --quick] [-- --no-real-n8n] [-- --only burst|speed|store] [-- --save-release]
 * npm run bench -- --docs-from-latest
 *
 * Builds the package, starts the Gcore IAM simulator in its own process, and runs the
 * scenarios of the benchmark (bench/scenarios/, one file each; see docs/performance.md): our node
 * through n8n-core's real WorkflowExecute (harness/engine) against raw axios/node:http clients, the
 * rate-limited API against HTTP Request + Switch in the real n8n 2.41.1 (harness cache), memory (and
 * its peer in the real n8n), the burst of one-customer executions in-process and in the real n8n.
 * Prints the tables and writes bench/results/latest.json (quick.json with --quick). `--only` runs a
 * group of them alone (GROUPS below): `burst` (in-process, then the real n8n unless --no-real-n8n)
 * to bench/results/burst.json; `speed`, the per-request cost (throughput at 20 ms and 100 ms
 * against the raw clients, the rate-limited API in-process), to speed.json; `store`, the
 * deduplication store's cost as the record grows (scenarios/storeCost.ts), to store.json. Every
 * run prints its figures beside the last release's (bench/results/release.json, see
 * releaseGuard.ts); `--save-release` stores the run's figures there. A full run (not --quick,
 * not --only) also rewrites the measured tables in docs/performance.md (docsTables.ts);
 * `--docs-from-latest` rewrites them from bench/results/latest.json and runs nothing.
 *
 * A new scenario: a file in bench/scenarios/ exporting `scenario({ ... })` (bench/scenario.ts),
 * which says where it stands in the report and in which groups it runs (bench/discover.ts finds it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { RESULTS_DIR, type BenchSettings } from './context';
import { writeDocsTables } from './docsTables';
import { Progress } from './progress';
import { RealN8nBench } from './realN8nBaseline';
import { compare, guardTable, readRelease, saveRelease, type Figure } from './releaseGuard';
import { renderReport, type RunHeader } from './report';
import { discoverScenarios, scenariosOf } from './discover';
import type { GroupName, Scenario, ScenarioContext, Section } from './scenario';
import { storeResultsFile } from './scenarios/storeCost';
import { REPO } from '../harness/ourPackage';
import { cleanupAll } from '../harness/processes';
import { startSimulatorProcess } from '../harness/simulatorProcess';
import { round } from './stats';

/** Every scenario (bench/scenarios/, one file each), in the order of the report: its tables, its fields in bench/results/*.json, its targets and figures. */
const SCENARIOS: Scenario[] = discoverScenarios();

/** Each group's file in bench/results/; which scenarios run in a group, and in what order, each scenario says (`runs`). */
const GROUPS: Record<GroupName, { file(settings: BenchSettings): string }> = {
	all: { file: (settings) => (settings.quick ? 'quick.json' : 'latest.json') },
	burst: { file: () => 'burst.json' },
	speed: { file: () => 'speed.json' },
	store: { file: storeResultsFile },
};

const ONLY: string[] = Object.keys(GROUPS).filter((name) => name !== 'all');
const RELEASE_FILE = path.join(RESULTS_DIR, 'release.json');
const DOCS_FILE = path.join(REPO, 'docs', 'performance.md');
const USAGE = `usage: npm run bench [-- --reps N] [-- --quick] [-- --no-real-n8n] [-- --only ${ONLY.join('|')}] [-- --save-release]\n       npm run bench -- --docs-from-latest`;

function parseArgs(args: string[]): BenchSettings {
	const settings: BenchSettings = {
		reps: 3,
		concurrency: 10,
		realN8n: true,
		quick: false,
		saveRelease: false,
	};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === '--quick') settings.quick = true;
		else if (arg === '--no-real-n8n') settings.realN8n = false;
		else if (arg === '--reps') settings.reps = Math.max(1, Math.floor(Number(args[++i])));
		else if (arg === '--only' && ONLY.includes(args[i + 1])) settings.only = args[++i];
		else if (arg === '--save-release') settings.saveRelease = true;
		else throw new Error(`unknown argument ${arg}\n${USAGE}`);
	}
	if (!Number.isFinite(settings.reps)) throw new Error(`--reps needs a number\n${USAGE}`);
	if (settings.quick && !args.includes('--reps')) settings.reps = 1;
	if (settings.quick && settings.saveRelease)
		throw new Error(`--quick is a smoke test: its figures cannot be a release's\n${USAGE}`);
	return settings;
}

function git(args: string[]): string {
	const result = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() : '';
}

function build(): void {
	const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, encoding: 'utf8' });
	if (result.status !== 0)
		throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

function loadAverage(): number[] {
	return os.loadavg().map((value) => round(value, 2));
}

async function main(): Promise<void> {
	if (process.argv.includes('--help')) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	if (process.argv.includes('--docs-from-latest')) {
		docsFromLatest();
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

	const groupName = (settings.only ?? 'all') as GroupName;
	const group = GROUPS[groupName];
	const scenarios = scenariosOf(SCENARIOS, groupName);
	const withRealN8n =
		settings.realN8n && scenarios.some((scenario) => scenario.realN8n === 'needs');
	const steps = scenarios.reduce((sum, scenario) => sum + scenario.steps(settings, withRealN8n), 0);
	const progress = new Progress(1 + (withRealN8n ? 1 : 0) + steps);
	let real: RealN8nBench | undefined;
	const stop = stopOnInterrupt(progress, () => real);
	try {
		await progress.run('building the package (npm run build)', async () => build());
		const context: ScenarioContext = { sim: await startSimulatorProcess(), progress, settings };
		const sections = new Map<string, Section>();
		let realN8nError: string | undefined;
		let realN8nTried = false;
		for (const scenario of scenarios) {
			if (scenario.realN8n && withRealN8n && !realN8nTried) {
				realN8nTried = true;
				const simulatorUrl = context.sim.url;
				real = await progress
					.run(
						'real n8n 2.41.1: cache (first time: several minutes), user folder, our package, credentials',
						() => RealN8nBench.start(simulatorUrl, true),
					)
					.catch((error: unknown) => {
						realN8nError = (error as Error).message;
						progress.note(
							`real n8n unavailable, its rows are skipped: ${realN8nError.split('\n')[0]}`,
						);
						return undefined;
					});
				context.real = real;
			}
			if (scenario.realN8n === 'needs' && !context.real) continue;
			const section = await scenario.run(context);
			if (section) sections.set(scenario.name, section);
		}
		progress.done();

		const report = SCENARIOS.flatMap((scenario) => sections.get(scenario.name) ?? []);
		const cpus = os.cpus();
		const header: RunHeader = {
			createdAt: new Date().toISOString(),
			commit,
			uncommitted,
			machine: {
				cpus: cpus.length,
				cpuModel: cpus[0]?.model ?? 'unknown',
				memoryGb: round(os.totalmem() / 1024 ** 3, 1),
				node: process.versions.node,
				platform: `${os.platform()} ${os.release()}`,
				loadAverageAtStart,
				loadAverageAtEnd: loadAverage(),
			},
			settings,
			durationSeconds: round((Date.now() - started) / 1000),
		};
		const guard = againstRelease(
			report.flatMap((section) => section.figures),
			settings,
			{ commit, createdAt: header.createdAt, loadAverageAtStart },
		);
		const file = path.join(RESULTS_DIR, group.file(settings));
		mkdirSync(RESULTS_DIR, { recursive: true });
		const json = {
			...header,
			...resultsOf(report),
			targets: report.flatMap((section) => section.targets),
			realN8nError,
			againstRelease: guard.comparisons,
		};
		writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
		const guardLines = guard.lines.length ? `\n\n${guard.lines.join('\n')}` : '';
		const docs = settings.only || settings.quick ? [] : writeDocsTables(DOCS_FILE, header, report);
		const docsLine = docs.length
			? `; tables ${docs.join(', ')} in ${path.relative(REPO, DOCS_FILE)}`
			: '';
		process.stdout.write(
			`${renderReport(header, report)}${guardLines}\n\nWritten to ${path.relative(REPO, file)}${docsLine}\n`,
		);
	} finally {
		progress.done();
		await stop();
	}
}

/** `--docs-from-latest`: docs/performance.md's measured tables again from bench/results/latest.json. */
function docsFromLatest(): void {
	const file = path.join(RESULTS_DIR, 'latest.json');
	const json = JSON.parse(readFileSync(file, 'utf8')) as RunHeader & Record<string, unknown>;
	const fields = new Set<string>();
	const sections = SCENARIOS.filter(
		(scenario) =>
			scenario.field in json && !fields.has(scenario.field) && fields.add(scenario.field),
	).map((scenario) => scenario.section(json[scenario.field]));
	const written = writeDocsTables(DOCS_FILE, json, sections);
	process.stdout.write(
		`${written.length ? `Tables ${written.join(', ')}` : 'No table'} written to ${path.relative(REPO, DOCS_FILE)} from ${path.relative(REPO, file)}.\n`,
	);
}

/** The scenarios' results by their field in bench/results/*.json. */
function resultsOf(report: Section[]): Record<string, unknown> {
	const results: Record<string, unknown> = {};
	for (const section of report) {
		if (section.field in results)
			throw new Error(
				`two scenarios of one run write ${section.field} (their runs in bench/scenarios/)`,
			);
		results[section.field] = section.result;
	}
	return results;
}

/** Stops every process the bench started (simulators, n8n) and removes the real n8n's folder: at the end, and on Ctrl-C. */
function stopOnInterrupt(
	progress: Progress,
	real: () => RealN8nBench | undefined,
): () => Promise<void> {
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

/** The run's figures beside the last release's; with --save-release, stores them as the release's. */
function againstRelease(
	figures: Figure[],
	settings: BenchSettings,
	run: { commit: string; createdAt: string; loadAverageAtStart: number[] },
) {
	if (figures.length === 0) return { comparisons: [], lines: [] };
	const comparisons = compare(figures, readRelease(RELEASE_FILE));
	const lines = settings.quick
		? ['(quick mode: not compared with the last release)']
		: guardTable(comparisons, path.relative(REPO, RELEASE_FILE));
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
