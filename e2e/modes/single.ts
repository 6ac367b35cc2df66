/**
 * Mode 'single' (npm run test:e2e): the package in the real n8n in regular mode on every tested
 * version at the same time, each with its own simulator (scenarios reset and count it). Per
 * version: the cached install; `npm install <tarball>` into a fresh user folder; `n8n import:*` of
 * the credential and every scenario's workflows; the 'cli' scenarios; `n8n start` and the 'server' ones.
 */
import * as path from 'node:path';

import { DEFAULT_API_KEY } from '../../simulator';
import { N8nCli } from '../../harness/n8n/cli';
import { ensureRealN8n, TESTED_N8N_VERSIONS, type RealN8n } from '../../harness/n8n/install';
import { N8nInstance } from '../../harness/n8n/instance';
import { DEMO_OWNER, type Owner } from '../../harness/n8n/owner';
import { logInAsOwner } from '../../harness/n8n/ownerLogin';
import { N8nRest } from '../../harness/n8n/rest';
import { startServer } from '../../harness/n8n/server';
import { installPackage } from '../../harness/ourPackage';
import { startSimulatorProcess } from '../../harness/simulatorProcess';
import {
	credentialJson,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	type WorkflowJson,
} from '../../harness/workflows/workflowJson';
import { check, notRun } from '../checks';
import { runnable, type SingleScenario } from '../scenario';
import type { Built, LogTail, ModeDefinition } from './mode';

/** Our package into the user folder, the simulator credential and these workflows imported. */
export async function equip(n8n: N8nInstance, tgz: string, simUrl: string, wfs: WorkflowJson[]) {
	const installed = installPackage(n8n.userFolder, tgz);
	const cli = new N8nCli(n8n);
	await cli.importCredentials([
		credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, DEFAULT_API_KEY, simUrl),
	]);
	await cli.importWorkflows(wfs);
	return { cli, installed };
}

/** `n8n start` until ready, the owner logged in over REST (set up first where env cannot). */
export async function startLoggedIn(real: RealN8n, n8n: N8nInstance, owner: Owner) {
	const server = await startServer(n8n);
	const rest = new N8nRest(n8n);
	await logInAsOwner(real, rest, owner);
	return { server, rest };
}

async function runVersion(
	version: string,
	real: RealN8n,
	all: SingleScenario[],
	built: NonNullable<Built>,
	work: string,
	logs: LogTail[],
) {
	const label = (name: string) => `[n8n ${version}] ${name}`;
	const toRun = runnable(all, version, label);
	const notRunAll = (list: SingleScenario[], why: string) =>
		list.forEach((s) => notRun(label(s.name), why));
	const workFolder = path.join(work, `n8n-${version}`);
	const n8n = await N8nInstance.create(real, {
		userFolder: path.join(workFolder, 'user'),
		logFile: path.join(workFolder, 'n8n.log'),
		owner: DEMO_OWNER,
	});
	logs.push({ title: `n8n ${version} log`, file: n8n.logFile, lines: 60 });
	let cli: N8nCli | undefined;
	const importing =
		'npm install <tarball> into ~/.n8n/nodes; n8n import:credentials + import:workflow';
	await check(label(importing), async () => {
		const workflows = toRun.flatMap((s) => s.workflows?.() ?? []);
		const equipped = await equip(n8n, built.tgz, built.sim.url, workflows);
		cli = equipped.cli;
		return `${path.relative(n8n.userFolder, equipped.installed)}; ${workflows.length} workflows`;
	});
	if (!cli) return notRunAll(toRun, 'set-up failed');
	const ctx = { n8n, cli, sim: built.sim, apiKey: DEFAULT_API_KEY, owner: DEMO_OWNER, workFolder };
	for (const s of toRun) if (s.phase === 'cli') await check(label(s.name), () => s.run(ctx));

	const serverScenarios = toRun.flatMap((s) => (s.phase === 'server' ? [s] : []));
	if (!serverScenarios.length) return;
	let started: Awaited<ReturnType<typeof startLoggedIn>> | undefined;
	const starting = 'n8n start: ready, owner set up, REST login, webhook workflows published';
	await check(label(starting), async () => {
		started = await startLoggedIn(real, n8n, DEMO_OWNER);
		for (const s of serverScenarios.filter((s) => s.publish))
			for (const wf of s.workflows?.() ?? []) await started.rest.activateWorkflow(wf.id!);
		return `${n8n.baseUrl}, owner ${DEMO_OWNER.email}`;
	});
	if (!started) return notRunAll(serverScenarios, 'n8n did not start');
	for (const s of serverScenarios) await check(label(s.name), () => s.run({ ...ctx, ...started! }));
	await started.server.stop();
}

export const singleMode: ModeDefinition = {
	defaultVersions: TESTED_N8N_VERSIONS,
	timeoutMin: 45,
	begin({ work, versions, scenarios }) {
		// The installs run one after another (one lock); each version starts once its own is there.
		const installs = versions.map((v) => ensureRealN8n(v));
		installs.forEach((p) => p.catch(() => undefined));
		const single = scenarios.flatMap((s) => (s.mode === 'single' ? [s] : []));
		const simLog = (title: string, file: string) => ({
			title,
			file: path.join(work, file),
			lines: 15,
		});
		const logs: LogTail[] = [simLog('simulator log', 'simulator.log')];
		return {
			title: `e2e in the real n8n (${versions.join(', ')})`,
			logs,
			run: (built) =>
				Promise.all(
					versions.map(async (version, i) => {
						const label = `[n8n ${version}] Node 24 and n8n from the npm registry (cached)`;
						let real: RealN8n | undefined;
						await check(label, async () => {
							real = await installs[i];
							return `n8n ${real.n8nVersion} on Node ${real.nodeVersion}, ${real.n8nDir}`;
						});
						if (!built || !real) return notRun(`[n8n ${version}] all scenarios`, 'set-up failed');
						const log = simLog(`simulator ${version} log`, `simulator-${version}.log`);
						const sim = i === 0 ? built.sim : await startSimulatorProcess({ logFile: log.file });
						if (i > 0) logs.push(log);
						await runVersion(version, real, single, { ...built, sim }, work, logs);
					}),
				).then(() => undefined),
		};
	},
};
