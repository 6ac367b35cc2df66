/**
 * npm run n8n: the real n8n editor on localhost with this package, the simulator, a working
 * credential, the example workflow and an owner to log in with. `-- --fresh` starts from an empty
 * n8n. Environment: N8N_PORT (5678), GCORE_N8N_VERSION (2.41.1), GCORE_N8N_USER_FOLDER
 * (<cache>/dev-n8n-user[-<version>]), GCORE_N8N_OWNER_EMAIL / _PASSWORD; other N8N_* go to n8n.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY, SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL } from '../simulator';
import { tail } from '../harness/log';
import { N8nInstance } from '../harness/n8n/instance';
import { DEMO_OWNER } from '../harness/n8n/owner';
import { cacheRoot, DEFAULT_N8N_VERSION, ensureRealN8n } from '../harness/n8n/install';
import { buildAndPack, PACKAGE_NAME } from '../harness/ourPackage';
import { version as packageVersion } from '../package.json';
import { portIsFree } from '../harness/ports';
import { cleanupAll, installSignalHandlers } from '../harness/processes';
import { startSimulatorProcess } from '../harness/simulatorProcess';
import { mkTemp } from '../harness/workFolder';
import {
	CREDENTIAL_NAME,
	EXAMPLE_WORKFLOW_ID,
	loadExampleWorkflow,
} from '../harness/workflows/workflowJson';
import { equip, startLoggedIn } from './modes/single';

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	if (args.some((a) => a !== '--fresh')) throw new Error('usage: npm run n8n [-- --fresh]');
	installSignalHandlers();
	const port = Number(process.env.N8N_PORT ?? 5678);
	if (!(await portIsFree(port)))
		throw new Error(`port ${port} is in use (another n8n?): stop it, or N8N_PORT=5679 npm run n8n`);
	const owner = {
		...DEMO_OWNER,
		email: process.env.GCORE_N8N_OWNER_EMAIL ?? DEMO_OWNER.email,
		password: process.env.GCORE_N8N_OWNER_PASSWORD ?? DEMO_OWNER.password,
	};
	const version = process.env.GCORE_N8N_VERSION ?? DEFAULT_N8N_VERSION;
	// One data folder per n8n version: an older n8n must not open a database a newer one migrated.
	const folder = version === DEFAULT_N8N_VERSION ? 'dev-n8n-user' : `dev-n8n-user-${version}`;
	const userFolder = path.resolve(
		process.env.GCORE_N8N_USER_FOLDER ?? path.join(cacheRoot(), folder),
	);
	if (args.includes('--fresh')) fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });

	const realP = ensureRealN8n(version);
	realP.catch(() => undefined);
	const work = mkTemp('gcore-iam-n8n-');
	const tgz = buildAndPack(work);
	const real = await realP;
	const sim = await startSimulatorProcess({ logFile: path.join(userFolder, 'simulator.log') });
	const logFile = path.join(userFolder, 'n8n.log');
	fs.writeFileSync(logFile, '');
	// Keep the key n8n wrote to .n8n/config for this folder, so stored credentials stay readable.
	const config = path.join(userFolder, '.n8n', 'config');
	const { encryptionKey }: { encryptionKey?: string } = fs.existsSync(config)
		? JSON.parse(fs.readFileSync(config, 'utf8'))
		: {};
	const n8n = await N8nInstance.create(real, {
		userFolder,
		port,
		logFile,
		encryptionKey,
		inheritN8nEnv: true,
		owner,
	});
	// The simulator's port changes every start: the credential and the example as shipped are
	// imported again (same ids: edits to the example are replaced; save copies under another name).
	await equip(n8n, tgz, sim.url, [loadExampleWorkflow()]);
	fs.rmSync(work, { recursive: true, force: true });
	const { server } = await startLoggedIn(real, n8n, owner);

	const customers = SAMPLE_CUSTOMERS.map((c) => `${c.email} (${c.status})`).join(', ');
	console.log(`
n8n ${real.n8nVersion} (Node ${real.nodeVersion}) is running with ${PACKAGE_NAME} ${packageVersion} installed.

  Editor:      ${n8n.baseUrl}/workflow/${EXAMPLE_WORKFLOW_ID}
  Log in:      ${owner.email} / ${owner.password}
  Credential:  "${CREDENTIAL_NAME}" → ${sim.url} (simulator, API key ${DEFAULT_API_KEY})
  Simulator:   knows ${customers}; unknown: ${SAMPLE_UNKNOWN_EMAIL}

  Open the workflow and click "Execute workflow".
  n8n log: ${logFile}    data: ${userFolder} (npm run n8n -- --fresh to start over)

Press Ctrl-C to stop n8n and the simulator.`);

	// Up until Ctrl-C (installSignalHandlers) or until n8n or the simulator dies.
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
