/**
 * Mode 'single' (npm run test:e2e): the package in the real n8n in regular mode, installed the way
 * users install it, on every tested n8n version (harness/n8n/install.ts: 2.41.1 and 1.123.81, both
 * on Node 24 from the npm registry). Per n8n version: the cached install; `npm install <tarball>`
 * into a fresh user folder's .n8n/nodes; `n8n import:*` of the credential and every scenario's
 * workflows; the 'cli' scenarios; `n8n start` (ready, owner, REST login) and the 'server' scenarios.
 */
import * as path from 'node:path';

import { DEFAULT_API_KEY } from '../../simulator';
import { N8nCli } from '../../harness/n8n/cli';
import { ensureRealN8n, TESTED_N8N_VERSIONS, type RealN8n } from '../../harness/n8n/install';
import { N8nInstance } from '../../harness/n8n/instance';
import { DEMO_OWNER } from '../../harness/n8n/owner';
import { logInAsOwner } from '../../harness/n8n/ownerLogin';
import { N8nRest } from '../../harness/n8n/rest';
import { startServer, type N8nServer } from '../../harness/n8n/server';
import { installPackage } from '../../harness/ourPackage';
import { startSimulatorProcess } from '../../harness/simulatorProcess';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	credentialJson,
} from '../../harness/workflows/workflowJson';
import { check, notRun } from '../checks';
import { runnable, type CliContext, type SingleScenario } from '../scenario';
import type { Built, LogTail, ModeDefinition, ModeRun } from './mode';

async function runVersion(
	version: string,
	install: Promise<RealN8n>,
	all: SingleScenario[],
	built: Built,
	work: string,
	logs: LogTail[],
): Promise<void> {
	const { tgz, sim } = built;
	const label = (name: string) => `[n8n ${version}] ${name}`;
	const toRun = runnable(all, version, label);
	const notRunAll = (list: SingleScenario[], why: string) =>
		list.forEach((s) => notRun(label(s.name), why));

	let real: RealN8n | undefined;
	await check(label('Node 24 and n8n from the npm registry (cached)'), async () => {
		real = await install;
		return `n8n ${real.n8nVersion} on Node ${real.nodeVersion}, ${real.n8nDir}`;
	});
	if (!real) return notRunAll(toRun, 'n8n is not installed');

	const folder = path.join(work, `n8n-${version}`);
	const n8n = await N8nInstance.create(real, {
		userFolder: path.join(folder, 'user'),
		logFile: path.join(folder, 'n8n.log'),
		owner: DEMO_OWNER,
	});
	logs.push({ title: `n8n ${version} log`, file: n8n.logFile, lines: 60 });
	const cli = new N8nCli(n8n);
	const ctx: CliContext = {
		n8n,
		cli,
		sim,
		apiKey: DEFAULT_API_KEY,
		owner: DEMO_OWNER,
		workFolder: folder,
	};

	const ready = await check(
		label('npm install <tarball> into ~/.n8n/nodes; n8n import:credentials + import:workflow'),
		async () => {
			const installed = installPackage(n8n.userFolder, tgz);
			await cli.importCredentials([
				credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, DEFAULT_API_KEY, sim.url),
			]);
			const workflows = toRun.flatMap((s) => s.workflows?.() ?? []);
			await cli.importWorkflows(workflows);
			return `${path.relative(n8n.userFolder, installed)}; ${workflows.length} workflows`;
		},
	);
	if (!ready) return notRunAll(toRun, 'set-up failed');

	for (const s of toRun) if (s.phase === 'cli') await check(label(s.name), () => s.run(ctx));

	const serverScenarios = toRun.flatMap((s) => (s.phase === 'server' ? [s] : []));
	if (!serverScenarios.length) return;
	let server: N8nServer | undefined;
	const rest = new N8nRest(n8n);
	const started = await check(
		label('n8n start: ready, owner set up, REST login, webhook workflows published'),
		async () => {
			server = await startServer(n8n);
			await logInAsOwner(real!, rest, DEMO_OWNER);
			for (const s of serverScenarios.filter((s) => s.publish))
				for (const wf of s.workflows?.() ?? []) await rest.activateWorkflow(wf.id!);
			return `${n8n.baseUrl}, owner ${DEMO_OWNER.email}`;
		},
	);
	if (!started || !server) return notRunAll(serverScenarios, 'n8n did not start');
	for (const s of serverScenarios)
		await check(label(s.name), () => s.run({ ...ctx, server: server!, rest }));
	await server.stop();
}

export const singleMode: ModeDefinition = {
	defaultVersions: TESTED_N8N_VERSIONS,
	timeoutMin: 45,
	command: 'e2e',
	workPrefix: 'gcore-iam-e2e-',
	begin({ work, versions, scenarios }: ModeRun) {
		// The installs run one after another (one lock); each version's tests start once its install is there.
		const installs = versions.map((v) => ensureRealN8n(v));
		installs.forEach((p) => p.catch(() => undefined));
		const single = scenarios.flatMap((s) => (s.mode === 'single' ? [s] : []));
		const logs: LogTail[] = [
			{ title: 'simulator log', file: path.join(work, 'simulator.log'), lines: 15 },
		];
		return {
			title: `e2e in the real n8n (${versions.join(', ')})`,
			logs: () => logs,
			// The versions run at the same time, each with its own simulator (scenarios reset and count it).
			async run(built) {
				await Promise.all(
					versions.map(async (version, i) => {
						if (!built) return notRun(`[n8n ${version}] all scenarios`, 'set-up failed');
						const logFile = path.join(work, `simulator-${version}.log`);
						const sim = i === 0 ? built.sim : await startSimulatorProcess({ logFile });
						if (i > 0) logs.push({ title: `simulator ${version} log`, file: logFile, lines: 15 });
						await runVersion(version, installs[i], single, { ...built, sim }, work, logs);
					}),
				);
			},
		};
	},
};
