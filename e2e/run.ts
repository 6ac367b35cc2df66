/**
 * The one e2e runner: the package in the REAL n8n, installed the way users install it.
 *
 *   tsx e2e/run.ts --mode single|queue [--only <substring>] [--n8n <version,...>]
 *
 * npm run test:e2e is `--mode single` (regular mode, every tested n8n version: modes/single.ts),
 * npm run test:queue is `--mode queue` (n8n 2.41.1 in queue mode, own Redis + PostgreSQL, main +
 * 2 workers: modes/queue.ts). The scenarios are the files in scenarios/ (discover.ts); each says
 * which mode it belongs to and, if not all, which n8n versions it runs on (scenario.ts).
 *
 * Once: the mode's slow starts (n8n installs, services), npm run build + npm pack, the Gcore IAM
 * simulator in its own process; then the mode runs its scenarios. Prints one line per check and
 * finally "N passed, N failed"; exits 1 on any failure (after the log tails). Everything it
 * started is stopped, also on failure, Ctrl-C and the watchdog's timeout.
 *
 * Flags override the environment: --only over GCORE_E2E_ONLY (run only the scenarios whose name,
 * or queue-mode label, contains this), --n8n over GCORE_E2E_N8N_VERSIONS (comma-separated; default
 * per mode). Also GCORE_E2E_CACHE, GCORE_E2E_SCREENSHOT, GCORE_E2E_SKIP_BROWSER=1, GCORE_E2E_KEEP=1,
 * GCORE_E2E_TIMEOUT_MIN (default 45 single, 40 queue); see README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { say, tail } from '../harness/log';
import { buildAndPack } from '../harness/ourPackage';
import { cleanupAll, installSignalHandlers } from '../harness/processes';
import { startSimulatorProcess } from '../harness/simulatorProcess';
import { mkTemp } from '../harness/workFolder';
import { check, summaryLine, tally } from './checks';
import { discoverScenarios } from './discover';
import type { Built, ModeDefinition } from './modes/mode';
import { queueMode } from './modes/queue';
import { singleMode } from './modes/single';
import type { Mode } from './scenario';

const MODES: Record<Mode, ModeDefinition> = { single: singleMode, queue: queueMode };
const USAGE =
	'usage: tsx e2e/run.ts --mode single|queue [--only <substring>] [--n8n <version,...>]';

function usage(problem: string): never {
	console.log(`${problem}\n${USAGE}`);
	process.exit(2);
}

function options(): { mode: Mode; only: string | undefined; versions: string[] | undefined } {
	const flags = {
		mode: { type: 'string', default: 'single' },
		only: { type: 'string' },
		n8n: { type: 'string' },
		help: { type: 'boolean' },
	} as const;
	let values: ReturnType<typeof parseArgs<{ options: typeof flags }>>['values'];
	try {
		values = parseArgs({ options: flags }).values;
	} catch (e) {
		usage(e instanceof Error ? e.message : String(e));
	}
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	if (values.mode !== 'single' && values.mode !== 'queue') usage(`--mode ${values.mode}?`);
	const list = values.n8n ?? process.env.GCORE_E2E_N8N_VERSIONS;
	const versions = list
		?.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	return {
		mode: values.mode,
		only: (values.only ?? process.env.GCORE_E2E_ONLY)?.toLowerCase() || undefined,
		versions: versions?.length ? versions : undefined,
	};
}

function matches(only: string | undefined, s: { name: string; label?: string }): boolean {
	return (
		!only || s.name.toLowerCase().includes(only) || (s.label?.toLowerCase().includes(only) ?? false)
	);
}

async function main(): Promise<number> {
	const opts = options();
	const mode = MODES[opts.mode];
	installSignalHandlers();
	const timeoutMin = Number(process.env.GCORE_E2E_TIMEOUT_MIN ?? mode.timeoutMin);
	const watchdog = setTimeout(() => {
		console.log(
			`FAIL ${mode.command} did not finish within ${timeoutMin} min: stopping everything`,
		);
		void cleanupAll().finally(() => process.exit(1));
	}, timeoutMin * 60_000);
	watchdog.unref();

	const t0 = Date.now();
	const scenarios = discoverScenarios().filter(
		(s) => s.mode === opts.mode && matches(opts.only, s),
	);
	const work = mkTemp(mode.workPrefix);
	say(`work folder ${work}`);
	const session = mode.begin({
		work,
		versions: opts.versions ?? mode.defaultVersions,
		scenarios,
		complete: !opts.only,
	});

	let tgz = '';
	await check('npm run build + npm pack', () => {
		tgz = buildAndPack(work);
		return path.basename(tgz);
	});
	let built: Built | undefined;
	await check('simulator started as a separate process', async () => {
		const sim = await startSimulatorProcess({ logFile: path.join(work, 'simulator.log') });
		if (tgz) built = { tgz, sim };
		return sim.url;
	});
	await session.run(built);

	await cleanupAll();
	clearTimeout(watchdog);
	const { failed } = tally();
	const report = session.report?.(failed);
	if (report) console.log(report);
	if (failed)
		for (const l of session.logs())
			console.log(
				`\n----- ${l.title} (last ${l.lines} lines of ${l.file}) -----\n${tail(l.file, l.lines)}`,
			);
	if (failed || process.env.GCORE_E2E_KEEP === '1') console.log(`\nwork folder kept: ${work}`);
	else fs.rmSync(work, { recursive: true, force: true });
	console.log(`\n${session.title}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	console.log(summaryLine());
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	async (e: unknown) => {
		console.log(`FAIL e2e crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
		await cleanupAll();
		console.log(summaryLine(1));
		process.exit(1);
	},
);
