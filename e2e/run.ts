// The one runner: tsx e2e/run.ts --mode single|queue|serve [--only <substring>] [--n8n <version,...>]; everything
// started is stopped on failure, Ctrl-C and the watchdog's timeout (README.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { say, tail } from '../harness/log';
import { buildAndPack } from '../harness/ourPackage';
import { cleanupAll, installSignalHandlers } from '../harness/processes';
import { startSimulatorProcess } from '../harness/simulatorProcess';
import { mkTemp } from '../harness/workFolder';
import { check, failures, summaryLine } from './checks';
import type { Built } from './modes/mode';
import { queueMode } from './modes/queue';
import { serveMode } from './modes/serve';
import { singleMode } from './modes/single';
import { discoverScenarios } from './scenario';

const MODES = { single: singleMode, queue: queueMode, serve: serveMode };

const USAGE =
	'usage: tsx e2e/run.ts --mode single|queue|serve [--only <substring>] [--n8n <version,...>]';

function options() {
	const { values } = parseArgs({
		options: {
			mode: { type: 'string', default: 'single' },
			only: { type: 'string' },
			n8n: { type: 'string' },
			fresh: { type: 'boolean' },
		},
	});
	const mode = MODES[values.mode as keyof typeof MODES];
	if (!mode) throw new Error(`--mode ${values.mode}? ${USAGE}`);
	const versions = (values.n8n ?? process.env.GCORE_E2E_N8N_VERSIONS ?? '').split(',');
	const only = (values.only ?? process.env.GCORE_E2E_ONLY)?.toLowerCase() || undefined;
	const fresh = values.fresh ?? false;
	return {
		name: values.mode,
		mode,
		only,
		fresh,
		versions: versions.map((s) => s.trim()).filter(Boolean),
	};
}

async function main(): Promise<number> {
	const { name, mode, only, fresh, versions } = options();
	const tag = name === 'single' ? 'e2e' : name;
	installSignalHandlers();
	const timeoutMin = Number(process.env.GCORE_E2E_TIMEOUT_MIN ?? mode.timeoutMin);
	const watchdog = setTimeout(() => {
		console.log(`FAIL test:${tag} did not finish within ${timeoutMin} min: stopping everything`);
		void cleanupAll().finally(() => process.exit(1));
	}, timeoutMin * 60_000).unref();

	const t0 = Date.now();
	const scenarios = discoverScenarios().filter(
		(s) =>
			s.mode === name &&
			(!only || [s.name, 'label' in s ? s.label : ''].some((n) => n.toLowerCase().includes(only))),
	);
	const work = mkTemp(`gcore-iam-${tag}-`);
	say(`work folder ${work}`);
	const run = { work, versions: versions.length ? versions : mode.defaultVersions, scenarios };
	const session = mode.begin({ ...run, complete: !only, fresh });

	let tgz = '';
	await check('npm run build + npm pack', () => path.basename((tgz = buildAndPack(work))));
	let built: Built;
	await check('simulator started as a separate process', async () => {
		const sim = await startSimulatorProcess({ logFile: path.join(work, 'simulator.log') });
		if (tgz) built = { tgz, sim };
		return sim.url;
	});
	await session.run(built);

	await cleanupAll();
	clearTimeout(watchdog);
	const failed = failures();
	console.log(session.report?.(failed) ?? '');
	for (const l of failed ? session.logs : [])
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
