/** Mode 'serve' (`npm run n8n [-- --fresh]`): the real n8n editor with the package, the simulator credential and the example, until Ctrl-C. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { cacheRoot, DEFAULT_N8N_VERSION, ensureRealN8n } from '../../harness/n8n/install';
import { DEMO_OWNER } from '../../harness/n8n/owner';
import { portIsFree } from '../../harness/ports';
import { EXAMPLE_WORKFLOW_ID, loadExampleWorkflow } from '../../harness/workflows/workflowJson';
import { check } from '../checks';
import type { ModeDefinition } from './mode';
import { equippedN8n, startLoggedIn } from './single';

export const serveMode: ModeDefinition = {
	defaultVersions: [process.env.GCORE_N8N_VERSION ?? DEFAULT_N8N_VERSION],
	timeoutMin: 35_000, // 24 days: about the longest a setTimeout waits
	begin({ versions: [version], fresh }) {
		// One folder per version: an older n8n must not open a database a newer one migrated.
		const folder = `dev-n8n-user${version === DEFAULT_N8N_VERSION ? '' : `-${version}`}`;
		const userFolder = path.resolve(
			process.env.GCORE_N8N_USER_FOLDER ?? path.join(cacheRoot(), folder),
		);
		const logFile = path.join(userFolder, 'n8n.log');
		return {
			title: `npm run n8n (n8n ${version})`,
			logs: [{ title: 'n8n log', file: logFile, lines: 30 }],
			async run(built) {
				await check(`n8n ${version} with the package until Ctrl-C (${userFolder})`, async () => {
					const port = Number(process.env.N8N_PORT ?? 5678);
					if (!built) throw new Error('set-up failed');
					if (!(await portIsFree(port)))
						throw new Error(`port ${port} in use: N8N_PORT=5679 npm run n8n`);
					if (fresh) fs.rmSync(userFolder, { recursive: true, force: true });
					// n8n starts only with the key it wrote to this folder's .n8n/config.
					const config = path.join(userFolder, '.n8n', 'config');
					const saved = fs.existsSync(config) ? fs.readFileSync(config, 'utf8') : '{}';
					const { encryptionKey } = JSON.parse(saved) as { encryptionKey?: string };
					const opts = { userFolder, port, logFile, encryptionKey, inheritN8nEnv: true };
					const real = await ensureRealN8n(version);
					// Imported at every start (the simulator's port changes): edits to the example are replaced.
					const { n8n } = await equippedN8n(real, opts, built, [loadExampleWorkflow()]);
					const { server } = await startLoggedIn(real, n8n);
					console.log(
						`\nOpen ${n8n.baseUrl}/workflow/${EXAMPLE_WORKFLOW_ID}, log in as ${DEMO_OWNER.email} / ${DEMO_OWNER.password}, click "Execute workflow". Ctrl-C stops everything.\n`,
					);
					let stopping = false; // Ctrl-C: installSignalHandlers stops everything and exits
					process.once('SIGINT', () => (stopping = true)).once('SIGTERM', () => (stopping = true));
					const how = await Promise.race([server.exited, built.sim.exited]);
					if (stopping) await new Promise(() => undefined);
					throw new Error(`exited: ${how}`);
				});
			},
		};
	},
};
