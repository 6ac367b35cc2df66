/**
 * npm run test:queue: the package in n8n 2.41.1's queue mode, as a user scales n8n out: our own
 * Redis and PostgreSQL (Debian packages, installed when missing), one main and two workers
 * (cluster.ts), the simulator in its own process, then the scenarios in scenarios/.
 *
 * Prints one line per check, the measured table and "N passed, N failed"; exits 1 on any failure
 * (after the log tails). Everything it started is stopped, also on failure and Ctrl-C.
 *
 * Environment: GCORE_E2E_ONLY (run only the scenarios whose name contains this), GCORE_E2E_CACHE,
 * GCORE_E2E_KEEP=1, GCORE_E2E_TIMEOUT_MIN (default 40).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY } from '../../simulator';
import { check, notRun, summaryLine, tally } from '../checks';
import { say, tail } from '../../harness/log';
import { ensureRealN8n, type RealN8n } from '../../harness/n8n/install';
import { buildAndPack } from '../../harness/ourPackage';
import { cleanupAll, installSignalHandlers } from '../../harness/processes';
import { startSimulatorProcess, type SimulatorProcess } from '../../harness/simulatorProcess';
import { mkTemp } from '../../harness/workFolder';
import { CREDENTIAL_ID, CREDENTIAL_NAME, credentialJson } from '../../harness/workflows/workflowJson';
import { startCluster, startServices, WORKER_CONCURRENCY, type QueueCluster } from '../../harness/queue/cluster';
import { measuredTable } from './report';
import { QUEUE_SCENARIOS } from './scenarios';
import { batchWorkflow, customerWorkflow } from './workflows';

const N8N_VERSION = '2.41.1';

async function main(): Promise<number> {
	installSignalHandlers();
	const timeoutMin = Number(process.env.GCORE_E2E_TIMEOUT_MIN ?? 40);
	const watchdog = setTimeout(() => {
		console.log(`FAIL test:queue did not finish within ${timeoutMin} min: stopping everything`);
		void cleanupAll().finally(() => process.exit(1));
	}, timeoutMin * 60_000);
	watchdog.unref();

	const t0 = Date.now();
	const work = mkTemp('gcore-iam-queue-');
	say(`work folder ${work}`);
	const install = ensureRealN8n(N8N_VERSION);
	install.catch(() => undefined);
	const services = startServices(work);
	services.catch(() => undefined);

	let tgz = '';
	await check('npm run build + npm pack', () => {
		tgz = buildAndPack(work);
		return path.basename(tgz);
	});
	let sim: SimulatorProcess | undefined;
	await check('simulator started as a separate process', async () => {
		sim = await startSimulatorProcess({ logFile: path.join(work, 'simulator.log') });
		return sim.url;
	});
	let real: RealN8n | undefined;
	await check(`Node 24 and n8n ${N8N_VERSION} (cached)`, async () => {
		real = await install;
		return `${real.n8nDir}`;
	});
	let started: Awaited<typeof services> | undefined;
	await check('Redis and PostgreSQL: own instances on 127.0.0.1 (Debian packages)', async () => {
		const t = Date.now();
		started = await services;
		return `redis ${started.redis.port}, postgres ${started.postgres.port} (${path.basename(path.dirname(started.postgres.binDir))}); ready ${((Date.now() - t0) / 1000).toFixed(1)} s after start (waited ${((Date.now() - t) / 1000).toFixed(1)} s here)`;
	});

	const only = process.env.GCORE_E2E_ONLY?.toLowerCase();
	const scenarios = QUEUE_SCENARIOS.filter((s) => !only || s.name.toLowerCase().includes(only) || s.label.toLowerCase().includes(only));
	let cluster: QueueCluster | undefined;
	if (tgz && sim && real && started) {
		await check(`n8n ${N8N_VERSION} queue mode: package in each user folder, workflows published, main + 2 workers (concurrency ${WORKER_CONCURRENCY}) ready`, async () => {
			const t = Date.now();
			cluster = await startCluster({
				real: real!,
				work,
				tgz,
				services: started!,
				credentials: [credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, DEFAULT_API_KEY, sim!.url)],
				workflows: [customerWorkflow(), batchWorkflow(), ...scenarios.flatMap((s) => s.workflows?.() ?? [])],
			});
			return `main ${cluster.main.baseUrl}, ${cluster.workers.map((w) => `${w.name} pid ${w.pid}`).join(', ')} (${((Date.now() - t) / 1000).toFixed(0)} s)`;
		});
	}
	for (const s of scenarios) {
		if (!cluster || !sim) notRun(s.name, 'set-up failed');
		else await check(s.name, () => s.run({ cluster: cluster!, sim: sim!, work }));
	}

	await cleanupAll();
	clearTimeout(watchdog);
	const { failed } = tally();
	console.log(`\nMeasured (n8n ${N8N_VERSION}, queue mode, 2 workers):\n\n${measuredTable()}\n`);
	if (failed) {
		const logs = ['main.log', 'worker1.log', 'worker2.log', 'simulator.log', 'redis.log', 'postgres.log'].map((f) => path.join(work, f));
		for (const file of logs) console.log(`\n----- last 40 lines of ${file} -----\n${tail(file, 40)}`);
	}
	if (failed || process.env.GCORE_E2E_KEEP === '1') console.log(`\nwork folder kept: ${work}`);
	else fs.rmSync(work, { recursive: true, force: true });
	console.log(`\nqueue mode in the real n8n ${N8N_VERSION}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	console.log(summaryLine());
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	async (e: unknown) => {
		console.log(`FAIL test:queue crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
		await cleanupAll();
		console.log(summaryLine(1));
		process.exit(1);
	},
);
