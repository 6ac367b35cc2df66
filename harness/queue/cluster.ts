/**
 * n8n in queue mode as a user deploys it: our own Redis and PostgreSQL, one main (`n8n start`) and
 * two workers, each with its own user folder holding our package, sharing one key and database.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { say } from '../log';
import { N8nCli } from '../n8n/cli';
import { N8nInstance } from '../n8n/instance';
import { DEMO_OWNER } from '../n8n/owner';
import { logInAsOwner } from '../n8n/ownerLogin';
import { N8nRest } from '../n8n/rest';
import { startServer, type N8nServer } from '../n8n/server';
import { waitUntilRegistered } from '../n8n/webhook';
import { startWorker, type N8nWorker } from '../n8n/worker';
import type { RealN8n } from '../n8n/install';
import { installPackage } from '../ourPackage';
import { onCleanup } from '../processes';
import { startPostgres, type PostgresInstance } from '../services/postgres';
import { startRedis, type RedisInstance } from '../services/redis';
import type { WorkflowJson } from '../workflows/workflowJson';

export const WORKER_CONCURRENCY = 10;

/**
 * Shorter Bull locks than n8n's defaults (60000 / 10000 / 30000 ms): a SIGKILLed worker's execution
 * fails after about a minute instead of two, still well above a loaded worker's event-loop pauses.
 */
export const LOCK_SETTINGS = {
	QUEUE_WORKER_LOCK_DURATION: '20000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '4000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

export interface QueueCluster {
	redis: RedisInstance;
	postgres: PostgresInstance;
	main: N8nInstance;
	server: N8nServer;
	cli: N8nCli;
	rest: N8nRest;
	workers: N8nWorker[];
}

/** Starts Redis and PostgreSQL (registered for clean-up); call early, they take a few seconds. */
export async function startServices(
	work: string,
): Promise<{ redis: RedisInstance; postgres: PostgresInstance }> {
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
	/** imported before main starts, published once it runs */
	workflows: WorkflowJson[];
}): Promise<QueueCluster> {
	const encryptionKey = randomBytes(24).toString('hex');
	const queueEnv: NodeJS.ProcessEnv = {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// n8n's default pool of 2 connections: 300 webhook calls at once starved main's pool ("Database
		// ping failed") and 292 of the 300 executions ended in `error`; 10 per process carries the burst.
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
	// The first CLI command migrates the empty database; the others follow it.
	await cli.importCredentials(opts.credentials);
	await cli.importWorkflows(opts.workflows);
	say('credential and workflows imported into PostgreSQL');
	// Main and the workers start side by side (the database is migrated already).
	const [server, ...workers] = await Promise.all([
		startServer(main),
		...['worker1', 'worker2'].map(async (name) => {
			const n8n = await instance(name, false);
			// The same installed package as main's (npm install once, copied: a user would install it on each machine).
			fs.cpSync(nodesDir, path.join(n8n.userFolder, '.n8n', 'nodes'), { recursive: true });
			return startWorker(n8n, name, { concurrency: WORKER_CONCURRENCY });
		}),
	]);
	const rest = new N8nRest(main);
	await logInAsOwner(opts.real, rest, DEMO_OWNER);
	// Published over REST as the editor does (one n8n CLI boot per workflow took longer).
	for (const wf of opts.workflows) await rest.activateWorkflow(wf.id!);
	// Main reports ready before it has registered the published workflows' webhooks (measured: the
	// first 22 of 300 POSTs answered 404).
	for (const node of opts.workflows.flatMap((wf) => wf.nodes))
		if (node.type === 'n8n-nodes-base.webhook')
			await waitUntilRegistered({ n8n: main }, String(node.parameters.path));
	return { ...opts.services, main, server, cli, rest, workers };
}

/** Starts a stopped worker again (same user folder and log) in its place in the cluster's list; returns it. */
export async function restartWorker(cluster: QueueCluster, stopped: N8nWorker): Promise<N8nWorker> {
	const again = await stopped.startAgain();
	cluster.workers[cluster.workers.indexOf(stopped)] = again;
	return again;
}
