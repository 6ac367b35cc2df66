/** n8n in queue mode as a user deploys it: own Redis and PostgreSQL, main + 2 workers (e2e/QUEUE-MODE.md). */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { say } from '../log';
import { N8nCli } from '../n8n/cli';
import { N8nInstance } from '../n8n/instance';
import { DEMO_OWNER } from '../n8n/owner';
import { logInAsOwner } from '../n8n/ownerLogin';
import { N8nRest } from '../n8n/rest';
import { startServer } from '../n8n/server';
import { waitUntilRegistered } from '../n8n/webhook';
import { startWorker, type N8nWorker } from '../n8n/worker';
import type { RealN8n } from '../n8n/install';
import { installPackage } from '../ourPackage';
import { onCleanup } from '../processes';
import { startPostgres, type PostgresInstance } from '../services/postgres';
import { startRedis, type RedisInstance } from '../services/redis';
import type { WorkflowJson } from '../workflows/workflowJson';

export const WORKER_CONCURRENCY = 10;

/** Shorter than n8n's 60000 / 10000 / 30000 ms: a SIGKILLed worker's execution fails after ~1 min, not 2. */
export const LOCK_SETTINGS = {
	QUEUE_WORKER_LOCK_DURATION: '20000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '4000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

export type QueueCluster = Awaited<ReturnType<typeof startCluster>>;

/** Registered for clean-up; call early, they take a few seconds. */
export async function startServices(work: string) {
	const [redis, postgres] = await Promise.all([startRedis(work), startPostgres(work)]);
	onCleanup('redis', redis.stop);
	onCleanup('postgres', postgres.stop);
	return { redis, postgres };
}

export async function startCluster(opts: {
	real: RealN8n;
	work: string;
	tgz: string;
	services: { redis: RedisInstance; postgres: PostgresInstance };
	credentials: unknown[];
	workflows: WorkflowJson[];
}) {
	const encryptionKey = randomBytes(24).toString('hex');
	const queueEnv: NodeJS.ProcessEnv = {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// n8n's default of 2: 300 webhook calls at once starved main's pool, 292 of 300 ended in `error`.
		DB_POSTGRESDB_POOL_SIZE: '10',
		...LOCK_SETTINGS,
	};
	const instance = (name: string, owner: boolean) =>
		N8nInstance.create(opts.real, {
			userFolder: path.join(opts.work, name, 'user'),
			logFile: path.join(opts.work, `${name}.log`),
			encryptionKey,
			owner: owner ? DEMO_OWNER : undefined,
			services: [opts.services.redis, opts.services.postgres],
			extraEnv: queueEnv,
		});
	const main = await instance('main', true);
	const nodesDir = path.dirname(path.dirname(installPackage(main.userFolder, opts.tgz)));
	const cli = new N8nCli(main);
	await cli.importCredentials(opts.credentials);
	await cli.importWorkflows(opts.workflows);
	say('credential and workflows imported into PostgreSQL');
	const [server, ...workers] = await Promise.all([
		startServer(main),
		...['worker1', 'worker2'].map(async (name) => {
			const n8n = await instance(name, false);
			// main's installed package, copied (a user would install it on each machine)
			fs.cpSync(nodesDir, path.join(n8n.userFolder, '.n8n', 'nodes'), { recursive: true });
			return startWorker(n8n, name, { concurrency: WORKER_CONCURRENCY });
		}),
	]);
	const rest = new N8nRest(main);
	await logInAsOwner(opts.real, rest, DEMO_OWNER);
	for (const wf of opts.workflows) await rest.activateWorkflow(wf.id!);
	// Main reports ready before it has registered the webhooks (the first 22 of 300 POSTs got 404).
	for (const node of opts.workflows.flatMap((wf) => wf.nodes))
		if (node.type === 'n8n-nodes-base.webhook')
			await waitUntilRegistered({ n8n: main }, String(node.parameters.path));
	return { ...opts.services, main, server, cli, rest, workers };
}

/** A stopped worker started again, in its place in the cluster's list. */
export async function restartWorker(cluster: QueueCluster, stopped: N8nWorker): Promise<N8nWorker> {
	const again = await stopped.startAgain();
	cluster.workers[cluster.workers.indexOf(stopped)] = again;
	return again;
}
