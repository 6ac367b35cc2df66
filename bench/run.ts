// `npm run bench` (USAGE): builds, starts the simulator and, if a chosen scenario needs it, the real
// n8n 2.41.1; runs bench/scenarios/, prints tables and goals, writes bench/results/<name>.json and,
// unless --quick, each measured table into its block of docs/performance.md.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { writeDocsBlocks } from '../harness/docsBlock';
import { cleanupAll, installSignalHandlers } from '../harness/processes';
import { REPO } from '../harness/ourPackage';
import { startSimulatorProcess } from '../harness/simulatorProcess';
import { BUDGET, toolingRatio } from '../harness/toolingRatio';
import { table } from './measure';
import { RealN8nBench } from './realN8n';
import { scenarios, type Context, type Goal, type Scenario, type Settings } from './scenario';

const USAGE =
	'usage: npm run bench [-- --reps N] [-- --quick] [-- --no-real-n8n] [-- --only burst|speed|<scenario name>]';

function settingsOf(args: string[]): Settings {
	const settings: Settings = { reps: 3, concurrency: 10, realN8n: true, quick: false };
	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--quick') settings.quick = true;
		else if (args[i] === '--no-real-n8n') settings.realN8n = false;
		else if (args[i] === '--reps') settings.reps = Math.max(1, Math.floor(Number(args[++i])));
		else if (args[i] === '--only' && args[i + 1]) settings.only = args[++i];
		else throw new Error(`unknown argument ${args[i]}\n${USAGE}`);
	}
	if (!(settings.reps >= 1)) throw new Error(`--reps needs a number\n${USAGE}`);
	if (settings.quick && !args.includes('--reps')) settings.reps = 1;
	return settings;
}

const git = (...args: string[]) =>
	spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout.trim();
const load = () => os.loadavg().map((value) => Math.round(value * 100) / 100);

async function main(): Promise<void> {
	const settings = settingsOf(process.argv.slice(2));
	const run = {
		createdAt: new Date().toISOString(),
		commit: git('rev-parse', 'HEAD'),
		uncommitted: git('status', '--porcelain', '--', 'nodes', 'credentials').length > 0,
		machine: `${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.versions.node}`,
		loadAverageAtStart: load(),
		settings,
	};
	const { only } = settings;
	const chosen = scenarios().filter((sc) => !only || sc.name === only || sc.groups?.includes(only));
	if (!chosen.length) throw new Error(`--only ${only}: no such group or scenario\n${USAGE}`);
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, encoding: 'utf8' });
	if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
	const context: Context = { sim: await startSimulatorProcess(), settings };
	if (settings.realN8n && chosen.some((sc) => sc.realN8n)) {
		process.stderr.write('real n8n 2.41.1: cache (first time: several minutes), package\n');
		context.real = await RealN8nBench.start(context.sim.url);
	}
	const outcomes = new Map<string, Awaited<ReturnType<Scenario['run']>>>();
	const failed: Goal[] = [];
	for (const sc of chosen.filter((sc) => sc.realN8n !== 'needed' || context.real)) {
		process.stderr.write(`${sc.name}\n`);
		// A scenario that fails is a missed goal; the others still report and publish.
		await sc.run(context).then(
			(outcome) => outcomes.set(sc.name, outcome),
			(error: Error) => {
				process.stderr.write(`${sc.name} failed: ${error.stack}\n`);
				const value = error.message.slice(0, 200);
				failed.push({ name: `${sc.name} ran to the end`, value, target: 'no error', met: false });
			},
		);
	}
	const { tooling, product, ratio } = toolingRatio();
	const goals = [...failed, ...[...outcomes.values()].flatMap((outcome) => outcome.goals ?? [])];
	const ratioGoal = `Tooling lines ÷ product lines (${tooling} ÷ ${product})`;
	const target = `<= ${BUDGET.toFixed(1)}`;
	goals.push({ name: ratioGoal, value: ratio.toFixed(2), target, met: ratio <= BUDGET });
	const name = settings.quick ? 'quick' : (settings.only ?? 'latest');
	const file = path.join(REPO, 'bench', 'results', `${name}.json`);
	const results = Object.fromEntries([...outcomes].map(([key, outcome]) => [key, outcome.result]));
	const end = { loadAverageAtEnd: load(), durationSeconds: process.uptime() };
	const json = { ...run, ...end, ...results, goals };
	writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
	const from = `From \`npm run bench\` at commit ${run.commit.slice(0, 7)}${run.uncommitted ? ' (uncommitted changes)' : ''}, ${run.createdAt.slice(0, 10)}, medians of ${settings.reps}; ${run.machine}, load average ${run.loadAverageAtStart.join(' ')} at start (bench/results/${name}.json).`;
	const tables = new Map([...outcomes].map(([key, outcome]) => [key, outcome.table.join('\n')]));
	const docs = path.join(REPO, 'docs', 'performance.md');
	const body = (block: string) => tables.get(block) && `${from}\n\n${tables.get(block)}`;
	if (!settings.quick) writeDocsBlocks(docs, 'bench', body);
	const report = [
		`${from}${settings.quick ? ' QUICK MODE: fewer items, not a result.' : ''}`,
		...[...tables.values()].flatMap((text) => ['', text]),
		'',
		...table(goals, [
			['Goal', (goal) => goal.name],
			['Value', (goal) => goal.value],
			['Wanted', (goal) => goal.target],
			['', (goal) => (goal.met ? 'met' : '**missed**')],
		]),
	];
	process.stdout.write(`${report.join('\n')}\n\nWritten to ${path.relative(REPO, file)}\n`);
	if (failed.length) process.exitCode = 1;
}

installSignalHandlers();
main()
	.catch((error: unknown) => {
		process.stderr.write(`\n${(error as Error).stack ?? String(error)}\n`);
		process.exitCode = 1;
	})
	.finally(() => cleanupAll());
