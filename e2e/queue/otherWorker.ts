/**
 * Making the next execution run on the other worker. Bull hands a job to whichever worker asks
 * first, so a test cannot count on alternation: the worker that ran an execution is stopped as an
 * operator stops one (SIGTERM, n8n's graceful shutdown: it takes no new job and finishes its own),
 * the next execution can only go to the other, and the stopped one is started again afterwards
 * (same user folder and log) for the scenarios that follow.
 */
import * as assert from 'node:assert/strict';

import { say } from '../log';
import type { N8nWorker } from '../n8n/worker';
import type { QueueCluster } from './cluster';
import { seconds, workerStarting } from './executions';

export interface StoppedWorker {
	worker: N8nWorker;
	/** SIGTERM until the process group had exited */
	stopMs: number;
}

/** Stops the worker that ran execution `id`; the others stay. */
export async function stopWorkerThatRan(cluster: QueueCluster, id: string): Promise<StoppedWorker> {
	const worker = await workerStarting(cluster.workers, id, 60_000);
	assert.ok(cluster.workers.some((w) => w !== worker && w.running()), `no other worker is running beside ${worker.name}`);
	const t0 = Date.now();
	await worker.stop();
	const stopMs = Date.now() - t0;
	assert.ok(!worker.running(), `${worker.name} still running after stop`);
	say(`${worker.name} (ran execution ${id}) stopped in ${seconds(stopMs)}`);
	return { worker, stopMs };
}

/** Starts a stopped worker again in its place in cluster.workers; returns how long it took to be ready. */
export async function startAgain(cluster: QueueCluster, stopped: StoppedWorker): Promise<number> {
	const t0 = Date.now();
	const again = await stopped.worker.startAgain();
	cluster.workers[cluster.workers.indexOf(stopped.worker)] = again;
	return Date.now() - t0;
}
