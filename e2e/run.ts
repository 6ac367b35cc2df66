/**
 * npm run test:e2e: the package in the REAL n8n, installed the way users install it, on every
 * tested n8n version (harness/n8n/install.ts: 2.41.1 and 1.123.81, both on Node 24 from the npm registry).
 *
 * Once: npm run build + npm pack; the Gcore IAM simulator in its own process.
 * Per n8n version: the cached install; `npm install <tarball>` into a fresh user folder's
 * .n8n/nodes; `n8n import:*` of the credential and every scenario's workflows; the CLI scenarios;
 * `n8n start` (ready, owner, REST login) and the server scenarios (scenarios/index.ts).
 *
 * Prints one line per check and finally "N passed, N failed"; exits 1 on any failure (after the
 * n8n log tails). Everything it started is stopped, also on failure and Ctrl-C.
 *
 * Environment: GCORE_E2E_N8N_VERSIONS (comma-separated; default every tested version),
 * GCORE_E2E_ONLY (run only the scenarios whose name contains this),
 * GCORE_E2E_CACHE, GCORE_E2E_SCREENSHOT, GCORE_E2E_SKIP_BROWSER=1, GCORE_E2E_KEEP=1,
 * GCORE_E2E_TIMEOUT_MIN (default 45); see README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY } from '../simulator';
import { check, notRun, summaryLine, tally } from './checks';
import { say, tail } from '../harness/log';
import { N8nCli } from '../harness/n8n/cli';
import { N8nInstance } from '../harness/n8n/instance';
import { DEMO_OWNER } from '../harness/n8n/owner';
import { logInAsOwner } from '../harness/n8n/ownerLogin';
import { N8nRest } from '../harness/n8n/rest';
import { startServer, type N8nServer } from '../harness/n8n/server';
import { ensureRealN8n, n8nVersionsToTest, type RealN8n } from '../harness/n8n/install';
import { buildAndPack, installPackage } from '../harness/ourPackage';
import { cleanupAll, installSignalHandlers } from '../harness/processes';
import { SCENARIOS } from './scenarios';
import type { CliContext, Scenario } from './scenarios/scenario';
import { startSimulatorProcess, type SimulatorProcess } from '../harness/simulatorProcess';
import { mkTemp } from '../harness/workFolder';
import { CREDENTIAL_ID, CREDENTIAL_NAME, credentialJson } from '../harness/workflows/workflowJson';

const logs: Array<{ title: string; file: string; lines: number }> = [];

async function runVersion(version: string, install: Promise<RealN8n>, tgz: string, sim: SimulatorProcess, work: string): Promise<void> {
	const label = (name: string) => `[n8n ${version}] ${name}`;
	const only = process.env.GCORE_E2E_ONLY?.toLowerCase();
	const scenarios = SCENARIOS.filter((s) => (s.runsOn?.(version) ?? true) && (!only || s.name.toLowerCase().includes(only)));
	const skipped = (s: Scenario) => s.skipReason?.();
	const toRun = scenarios.filter((s) => {
		const why = skipped(s);
		if (why) notRun(label(s.name), why, 'skip');
		return !why;
	});
	const notRunAll = (list: Scenario[], why: string) => list.forEach((s) => notRun(label(s.name), why));

	let real: RealN8n | undefined;
	await check(label('Node 24 and n8n from the npm registry (cached)'), async () => {
		real = await install;
		return `n8n ${real.n8nVersion} on Node ${real.nodeVersion}, ${real.n8nDir}`;
	});
	if (!real) return notRunAll(toRun, 'n8n is not installed');

	const folder = path.join(work, `n8n-${version}`);
	const n8n = await N8nInstance.create(real, { userFolder: path.join(folder, 'user'), logFile: path.join(folder, 'n8n.log'), owner: DEMO_OWNER });
	logs.push({ title: `n8n ${version} log`, file: n8n.logFile, lines: 60 });
	const cli = new N8nCli(n8n);
	const ctx: CliContext = { n8n, cli, sim, apiKey: DEFAULT_API_KEY, owner: DEMO_OWNER, workFolder: folder };

	const ready = await check(label('npm install <tarball> into ~/.n8n/nodes; n8n import:credentials + import:workflow'), async () => {
		const installed = installPackage(n8n.userFolder, tgz);
		await cli.importCredentials([credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, DEFAULT_API_KEY, sim.url)]);
		const workflows = toRun.flatMap((s) => s.workflows?.() ?? []);
		await cli.importWorkflows(workflows);
		return `${path.relative(n8n.userFolder, installed)}; ${workflows.length} workflows`;
	});
	if (!ready) return notRunAll(toRun, 'set-up failed');

	for (const s of toRun) if (s.phase === 'cli') await check(label(s.name), () => s.run(ctx));

	const serverScenarios = toRun.flatMap((s) => (s.phase === 'server' ? [s] : []));
	if (!serverScenarios.length) return;
	let server: N8nServer | undefined;
	const rest = new N8nRest(n8n);
	const started = await check(label('n8n start: ready, owner set up, REST login'), async () => {
		for (const s of serverScenarios) await s.beforeStart?.(ctx);
		server = await startServer(n8n);
		await logInAsOwner(real!, rest, DEMO_OWNER);
		return `${n8n.baseUrl}, owner ${DEMO_OWNER.email}`;
	});
	if (!started || !server) return notRunAll(serverScenarios, 'n8n did not start');
	for (const s of serverScenarios) await check(label(s.name), () => s.run({ ...ctx, server: server!, rest }));
	await server.stop();
}

async function main(): Promise<number> {
	installSignalHandlers();
	const timeoutMin = Number(process.env.GCORE_E2E_TIMEOUT_MIN ?? 45);
	const watchdog = setTimeout(() => {
		console.log(`FAIL e2e did not finish within ${timeoutMin} min: stopping everything`);
		void cleanupAll().finally(() => process.exit(1));
	}, timeoutMin * 60_000);
	watchdog.unref();

	const t0 = Date.now();
	const work = mkTemp('gcore-iam-e2e-');
	say(`work folder ${work}`);
	const versions = n8nVersionsToTest();
	// The installs run one after another (one lock), in the order the versions are tested, while the tests of the first go on.
	const installs = versions.map((v) => ensureRealN8n(v));
	installs.forEach((p) => p.catch(() => undefined));

	let tgz = '';
	await check('npm run build + npm pack', () => {
		tgz = buildAndPack(work);
		return path.basename(tgz);
	});
	let sim: SimulatorProcess | undefined;
	const simLog = path.join(work, 'simulator.log');
	logs.push({ title: 'simulator log', file: simLog, lines: 15 });
	await check('simulator started as a separate process', async () => {
		sim = await startSimulatorProcess({ logFile: simLog });
		return sim.url;
	});

	for (const [i, version] of versions.entries()) {
		if (!tgz || !sim) {
			notRun(`[n8n ${version}] all scenarios`, 'set-up failed');
			continue;
		}
		await runVersion(version, installs[i], tgz, sim, work);
	}

	await cleanupAll();
	clearTimeout(watchdog);
	const { failed } = tally();
	if (failed) for (const l of logs) console.log(`\n----- ${l.title} (last ${l.lines} lines of ${l.file}) -----\n${tail(l.file, l.lines)}`);
	if (failed || process.env.GCORE_E2E_KEEP === '1') console.log(`\nwork folder kept: ${work}`);
	else fs.rmSync(work, { recursive: true, force: true });
	console.log(`\ne2e in the real n8n (${versions.join(', ')}): ${((Date.now() - t0) / 1000).toFixed(0)} s`);
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
