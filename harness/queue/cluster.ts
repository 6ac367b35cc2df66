/**
 * n8n in queue mode as a user deploys it, on this machine: our own Redis and PostgreSQL
 * (services/), one main (`n8n start`: editor, REST, production webhooks) and two workers
 * (`n8n worker`), each n8n process with its own user folder holding our package as a community
 * package (installed once with npm, then copied), all sharing one encryption key and database.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { say } from '../log';
import { N8nCli } from '../n8n/cli';
import { N8nInstance } from '../n8n/instance';
import { DEMO_OWNER } from '../n8n/owner';
import { logInAsOwner } from '../n8n/ownerLogin';
import { N8nRest } from '../n8n/rest';
import { startServer, type N8nServer } from '../n8n/server';
import { startWorker, type N8nWorker } from '../n8n/worker';
import type { RealN8n } from '../n8n/install';
import { installPackage } from '../ourPackage';
import { onCleanup } from '../processes';
import { startPostgres, type PostgresInstance } from '../services/postgres';
import { startRedis, type RedisInstance } from '../services/redis';
import type { WorkflowJson } from '../workflows/workflowJson';

export const WORKER_CONCURRENCY = 10;

/**
 * Shorter Bull lock settings than n8n's defaults (60000 / 10000 / 30000 ms), so that a SIGKILLed
 * worker's execution is failed after about a minute instead of two (e2e/QUEUE-MODE.md). The lock
 * stays well above the longest event-loop pause a worker has on a loaded 2-core machine.
 */
export const LOCK_SETTINGS = {
	QUEUE_WORKER_LOCK_DURATION: '20000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '4000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

/**
 * n8n's PostgreSQL pool holds 2 connections by default. Measured: 300 webhook calls at once starved
 * main's pool ("Database ping failed", "timeout exceeded when trying to connect") and 292 of the 300
 * executions ended in `error`; 10 per process carries the burst.
 */
export const DB_POOL_SIZE = '10';

export interface QueueCluster {
	redis: RedisInstance;
	postgres: PostgresInstance;
	main: N8nInstance;
	server: N8nServer;
	cli: N8nCli;
	rest: N8nRest;
	workers: N8nWorker[];
}

function webhookPaths(wf: WorkflowJson): string[] {
	return wf.nodes
		.filter((n) => n.type === 'n8n-nodes-base.webhook')
		.map((n) => String(n.parameters.path));
}

/**
 * Main reports ready before it has registered the published workflows' webhooks (measured: the
 * first 22 of 300 POSTs answered 404). A CORS preflight asks without starting an execution: 204
 * with POST among the allowed methods once the webhook is registered, 404 before.
 */
async function webhooksRegistered(
	baseUrl: string,
	paths: string[],
	timeoutMs = 120_000,
): Promise<void> {
	const t0 = Date.now();
	for (const p of paths) {
		for (;;) {
			const res = await fetch(`${baseUrl}/webhook/${p}`, {
				method: 'OPTIONS',
				headers: { origin: 'http://localhost', 'access-control-request-method': 'POST' },
			}).catch(() => undefined);
			if (
				res?.status === 204 &&
				(res.headers.get('access-control-allow-methods') ?? '').includes('POST')
			)
				break;
			if (Date.now() - t0 > timeoutMs)
				throw new Error(
					`webhook ${p} not registered ${timeoutMs / 1000} s after main was ready (last answer ${res?.status})`,
				);
			await sleep(250);
		}
	}
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
		DB_POSTGRESDB_POOL_SIZE: DB_POOL_SIZE,
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
	await webhooksRegistered(
		main.baseUrl,
		opts.workflows.flatMap((wf) => webhookPaths(wf)),
	);
	return { ...opts.services, main, server, cli, rest, workers };
}

/** Starts a stopped worker again (same user folder and log) in its place in the cluster's list; returns it. */
export async function restartWorker(cluster: QueueCluster, stopped: N8nWorker): Promise<N8nWorker> {
	const again = await stopped.startAgain();
	cluster.workers[cluster.workers.indexOf(stopped)] = again;
	return again;
}
