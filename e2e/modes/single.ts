/** Mode 'single' (npm run test:e2e): every tested n8n version at once, each with its own simulator (README.md). */
import * as path from 'node:path';

import { DEFAULT_API_KEY } from '../../simulator';
import { N8nCli } from '../../harness/n8n/cli';
import { ensureRealN8n, TESTED_N8N_VERSIONS, type RealN8n } from '../../harness/n8n/install';
import { N8nInstance, type N8nOptions } from '../../harness/n8n/instance';
import { DEMO_OWNER } from '../../harness/n8n/owner';
import { logInAsOwner } from '../../harness/n8n/ownerLogin';
import { N8nRest } from '../../harness/n8n/rest';
import { startServer } from '../../harness/n8n/server';
import { installPackage } from '../../harness/ourPackage';
import { startSimulatorProcess } from '../../harness/simulatorProcess';
import type { WorkflowJson } from '../../harness/workflows/workflowJson';
import { check, notRun } from '../checks';
import { runnable, type SingleScenario } from '../scenario';
import { checkAll, checkInstall, simCredential, workflowsOf } from './mode';
import type { Built, LogTail, ModeDefinition } from './mode';

export async function equippedN8n(
	real: RealN8n,
	opts: N8nOptions,
	{ tgz, sim }: NonNullable<Built>,
	workflows: WorkflowJson[],
) {
	const n8n = await N8nInstance.create(real, { owner: DEMO_OWNER, ...opts });
	const installed = installPackage(n8n.userFolder, tgz);
	const cli = new N8nCli(n8n);
	await cli.importCredentials([simCredential(sim.url)]);
	await cli.importWorkflows(workflows);
	return { n8n, cli, installed };
}

/** `n8n start` until ready, the owner logged in over REST (set up first where env cannot). */
export async function startLoggedIn(real: RealN8n, n8n: N8nInstance) {
	const server = await startServer(n8n);
	const rest = new N8nRest(n8n);
	await logInAsOwner(real, rest, DEMO_OWNER);
	return { server, rest };
}

async function runVersion(
	real: RealN8n,
	all: SingleScenario[],
	built: NonNullable<Built>,
	work: string,
	logs: LogTail[],
) {
	const workFolder = path.join(work, `n8n-${real.n8nVersion}`);
	const label = (name: string) => `[n8n ${real.n8nVersion}] ${name}`;
	const toRun = runnable(all, real.n8nVersion, label);
	const logFile = path.join(workFolder, 'n8n.log');
	logs.push({ title: `n8n ${real.n8nVersion} log`, file: logFile, lines: 60 });
	let equipped: Awaited<ReturnType<typeof equippedN8n>> | undefined;
	const importing =
		'npm install <tarball> into ~/.n8n/nodes; n8n import:credentials + import:workflow';
	await check(label(importing), async () => {
		const workflows = workflowsOf(toRun);
		const userFolder = path.join(workFolder, 'user');
		equipped = await equippedN8n(real, { userFolder, logFile }, built, workflows);
		return `${path.relative(userFolder, equipped.installed)}; ${workflows.length} workflows`;
	});
	const base = { sim: built.sim, apiKey: DEFAULT_API_KEY, owner: DEMO_OWNER, workFolder };
	const ctx = equipped && { ...equipped, ...base };
	const cliScenarios = toRun.flatMap((s) => (s.phase === 'cli' ? [s] : []));
	await checkAll(cliScenarios, ctx, 'set-up failed', label);

	const serverScenarios = toRun.flatMap((s) => (s.phase === 'server' ? [s] : []));
	if (!serverScenarios.length) return;
	let started: Awaited<ReturnType<typeof startLoggedIn>> | undefined;
	const starting = 'n8n start: ready, owner set up, REST login, webhook workflows published';
	if (ctx)
		await check(label(starting), async () => {
			started = await startLoggedIn(real, ctx.n8n);
			for (const wf of workflowsOf(serverScenarios.filter((s) => s.publish)))
				await started.rest.activateWorkflow(wf.id!);
			return `${ctx.n8n.baseUrl}, owner ${DEMO_OWNER.email}`;
		});
	const why = ctx ? 'n8n did not start' : 'set-up failed';
	await checkAll(serverScenarios, ctx && started && { ...ctx, ...started }, why, label);
	await started?.server.stop();
}

export const singleMode: ModeDefinition = {
	defaultVersions: TESTED_N8N_VERSIONS,
	timeoutMin: 45,
	begin({ work, versions, scenarios }) {
		// The installs run one after another (one lock); each version starts once its own is there.
		const installs = versions.map((v) => ensureRealN8n(v));
		installs.forEach((p) => p.catch(() => undefined));
		const single = scenarios.flatMap((s) => (s.mode === 'single' ? [s] : []));
		const simLog = (v: string) => path.join(work, v ? `simulator-${v}.log` : 'simulator.log');
		const logs: LogTail[] = [{ title: 'simulator log', file: simLog(''), lines: 15 }];
		return {
			title: `e2e in the real n8n (${versions.join(', ')})`,
			logs,
			run: async (built) => {
				await Promise.all(
					versions.map(async (version, i) => {
						const label = `[n8n ${version}] Node 24 and n8n from the npm registry (cached)`;
						const real = await checkInstall(label, installs[i]);
						if (!built || !real) return notRun(`[n8n ${version}] all scenarios`, 'set-up failed');
						let { sim } = built;
						if (i > 0) {
							sim = await startSimulatorProcess({ logFile: simLog(version) });
							logs.push({ title: `simulator ${version} log`, file: simLog(version), lines: 15 });
						}
						await runVersion(real, single, { ...built, sim }, work, logs);
					}),
				);
			},
		};
	},
};
