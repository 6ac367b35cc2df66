/**
 * Queue mode: making the second of two executions run on the other worker. Bull hands a job to
 * whichever worker asks first, so alternation cannot be counted on: the worker that ran the first
 * execution is stopped as an operator stops one (SIGTERM: it takes no new job, finishes its own),
 * and started again afterwards for the scenarios that follow. The worker logs say who ran what.
 */
import * as assert from 'node:assert/strict';

import { say } from '../harness/log';
import type { N8nWorker } from '../harness/n8n/worker';
import { restartWorker } from '../harness/queue/cluster';
import { seconds, workerOf, workerStarting } from '../harness/queue/executions';
import { measured } from './measured';
import type { QueueContext } from './scenario';
import { hookOnQueue, type Hook } from './webhookSteps';

/** Runs a proof: it calls `awayFrom(firstId)` between its two executions; `ids` names them. */
export async function onOtherWorker<T>(
	ctx: QueueContext,
	label: string,
	workflow: { id: string; path: string },
	prove: (hook: Hook, awayFrom: (firstId: string) => Promise<void>) => Promise<T>,
	ids: (proof: T) => [string, string],
): Promise<{ proof: T; first: string; second: string }> {
	const { cluster } = ctx;
	let stopped: N8nWorker | undefined;
	let stopMs = 0;
	let restartMs = 0;
	let proof: T;
	try {
		proof = await prove(hookOnQueue(ctx, workflow), async (firstId) => {
			assert.equal(stopped, undefined, 'awayFrom called twice');
			const worker = await workerStarting(cluster.workers, firstId, 60_000);
			assert.ok(
				cluster.workers.some((w) => w !== worker && w.running()),
				`no other worker is running beside ${worker.name}`,
			);
			const t = Date.now();
			await worker.stop();
			stopMs = Date.now() - t;
			stopped = worker;
			say(`${worker.name} (ran execution ${firstId}) stopped in ${seconds(stopMs)}`);
		});
	} finally {
		if (stopped) {
			const t = Date.now();
			await restartWorker(cluster, stopped);
			restartMs = Date.now() - t;
		}
	}
	assert.ok(stopped, 'the proof never asked for the other worker');
	const [firstId, secondId] = ids(proof);
	const ranOn = workerOf(cluster.workers);
	const first = stopped.name;
	const second = ranOn.get(secondId) ?? 'no worker';
	measured(label, {
		[`${first} stopped (SIGTERM, graceful) between the two executions / started again (ready)`]: `${seconds(stopMs)} / ${seconds(restartMs)}`,
	});
	assert.equal(ranOn.get(firstId), first, `execution ${firstId} ran on ${first} alone`);
	assert.ok(
		second !== first && cluster.workers.some((w) => w.name === second),
		`execution ${secondId} ran on ${second}, not on the other worker`,
	);
	return { proof, first, second };
}
