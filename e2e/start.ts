/**
 * npm run n8n: the real n8n editor on localhost with this package installed, the Gcore IAM simulator
 * running, a working credential and the example workflow imported, and an owner account to log in with.
 *
 *   npm run n8n              # keeps its n8n data between runs (in the cache folder)
 *   npm run n8n -- --fresh   # starts from an empty n8n
 *
 * Environment: N8N_PORT (default 5678), GCORE_N8N_VERSION (default 2.41.1; 1.123.81 works too),
 * GCORE_N8N_USER_FOLDER (default <cache>/dev-n8n-user, per version for other versions),
 * GCORE_E2E_CACHE (see harness/n8n/install.ts), GCORE_N8N_OWNER_EMAIL / GCORE_N8N_OWNER_PASSWORD; other N8N_*
 * variables are passed to n8n. Ctrl-C stops n8n and the simulator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY, SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL } from '../simulator';
import { tail } from '../harness/log';
import { N8nCli } from '../harness/n8n/cli';
import { N8nInstance } from '../harness/n8n/instance';
import { DEMO_OWNER, type Owner } from '../harness/n8n/owner';
import { logInAsOwner } from '../harness/n8n/ownerLogin';
import { N8nRest } from '../harness/n8n/rest';
import { startServer } from '../harness/n8n/server';
import { cacheRoot, DEFAULT_N8N_VERSION, ensureRealN8n } from '../harness/n8n/install';
import { buildAndPack, installPackage, REPO } from '../harness/ourPackage';
import { portIsFree } from '../harness/ports';
import { cleanupAll, installSignalHandlers } from '../harness/processes';
import { startSimulatorProcess } from '../harness/simulatorProcess';
import { mkTemp } from '../harness/workFolder';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	credentialJson,
	EXAMPLE_WORKFLOW_ID,
	loadExampleWorkflow,
} from '../harness/workflows/workflowJson';

function usage(): never {
	console.log('usage: npm run n8n [-- --fresh]');
	process.exit(2);
}

/** The key n8n already uses for this folder (it writes it to .n8n/config), so stored credentials stay readable. */
function existingEncryptionKey(userFolder: string): string | undefined {
	try {
		const cfg = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8')) as {
			encryptionKey?: string;
		};
		return cfg.encryptionKey;
	} catch {
		return undefined;
	}
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	if (args.some((a) => a !== '--fresh')) usage();
	installSignalHandlers();

	const port = Number(process.env.N8N_PORT ?? 5678);
	if (!(await portIsFree(port))) {
		throw new Error(
			`port ${port} is in use (another n8n?). Stop it or choose another port: N8N_PORT=5679 npm run n8n`,
		);
	}
	const owner: Owner = {
		...DEMO_OWNER,
		email: process.env.GCORE_N8N_OWNER_EMAIL ?? DEMO_OWNER.email,
		password: process.env.GCORE_N8N_OWNER_PASSWORD ?? DEMO_OWNER.password,
	};
	const version = process.env.GCORE_N8N_VERSION ?? DEFAULT_N8N_VERSION;
	// One data folder per n8n version: an older n8n must not open a database a newer one migrated.
	const defaultFolder =
		version === DEFAULT_N8N_VERSION ? 'dev-n8n-user' : `dev-n8n-user-${version}`;
	const userFolder = path.resolve(
		process.env.GCORE_N8N_USER_FOLDER ?? path.join(cacheRoot(), defaultFolder),
	);
	if (args.includes('--fresh')) fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });

	const realP = ensureRealN8n(version);
	realP.catch(() => undefined);
	const work = mkTemp('gcore-iam-n8n-');
	const tgz = buildAndPack(work);
	installPackage(userFolder, tgz);
	fs.rmSync(work, { recursive: true, force: true });
	const real = await realP;

	const sim = await startSimulatorProcess({ logFile: path.join(userFolder, 'simulator.log') });

	const logFile = path.join(userFolder, 'n8n.log');
	fs.writeFileSync(logFile, '');
	const n8n = await N8nInstance.create(real, {
		userFolder,
		port,
		logFile,
		encryptionKey: existingEncryptionKey(userFolder),
		inheritN8nEnv: true,
		owner,
	});
	// The simulator's port changes every start: re-import the credential (same id) with the new URL,
	// and the example as shipped in examples/ (same id: edits to it are replaced, save copies under another name).
	const cli = new N8nCli(n8n);
	await cli.importCredentials([
		credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, DEFAULT_API_KEY, sim.url),
	]);
	await cli.importWorkflows([loadExampleWorkflow()]);
	const server = await startServer(n8n);
	await logInAsOwner(real, new N8nRest(n8n), owner); // sets the owner up where n8n cannot from env; proves the printed login works

	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
	};
	const customers = SAMPLE_CUSTOMERS.map((c) => `${c.email} (${c.status})`).join(', ');
	console.log(
		[
			'',
			`n8n ${real.n8nVersion} (Node ${real.nodeVersion}) is running with ${pkg.name} ${pkg.version} installed.`,
			'',
			`  Editor:      ${n8n.baseUrl}/workflow/${EXAMPLE_WORKFLOW_ID}`,
			`  Log in:      ${owner.email} / ${owner.password}`,
			`  Credential:  "${CREDENTIAL_NAME}" → ${sim.url} (simulator, API key ${DEFAULT_API_KEY})`,
			`  Simulator:   knows ${customers}; unknown: ${SAMPLE_UNKNOWN_EMAIL}`,
			'',
			'  Open the workflow and click "Execute workflow".',
			`  n8n log: ${logFile}    data: ${userFolder} (npm run n8n -- --fresh to start over)`,
			'',
			'Press Ctrl-C to stop n8n and the simulator.',
		].join('\n'),
	);

	// Stay up until Ctrl-C (handled by installSignalHandlers) or until n8n or the simulator dies.
	await Promise.race([
		server.exited.then((how) =>
			console.error(`\nn8n exited (${how}). Last log lines:\n${tail(logFile, 30)}`),
		),
		sim.exited.then((how) =>
			console.error(
				`\nthe simulator exited (${how}); see ${path.join(userFolder, 'simulator.log')}`,
			),
		),
	]);
	await cleanupAll();
	process.exit(1);
}

main().catch(async (e: unknown) => {
	console.error(`npm run n8n failed: ${e instanceof Error ? e.message : String(e)}`);
	await cleanupAll();
	process.exit(1);
});
