/**
 * Making the second of two executions run on the other worker. Bull hands a job to whichever
 * worker asks first, so a test cannot count on alternation: the worker that ran the first
 * execution is stopped as an operator stops one (SIGTERM, n8n's graceful shutdown: it takes no new
 * job and finishes its own), so the second can only go to the other; the stopped one is started
 * again afterwards (same user folder and log) for the scenarios that follow. The worker logs say
 * who ran what, and that is asserted.
 */
import * as assert from 'node:assert/strict';

import { say } from '../harness/log';
import type { N8nWorker } from '../harness/n8n/worker';
import { restartWorker } from '../harness/queue/cluster';
import {
	executionsOf,
	seconds,
	waitForExecutions,
	workerOf,
	workerStarting,
} from '../harness/queue/executions';
import { measured } from './measured';
import type { ProofSetup, QueueContext } from './scenario';

export interface OnOtherWorker<T> {
	proof: T;
	/** the worker that ran the first execution (stopped, then started again) */
	first: string;
	/** the worker that ran the second */
	second: string;
}

/**
 * Runs a webhook proof (scenarios/sameEventTwice.ts, scenarios/retryExecution.ts) on the workflow
 * with this id and webhook path: `prove` calls `awayFrom(firstId)` once its first execution is
 * final and before it starts the second; `ids` names the two executions in its result. Measured
 * under `label`.
 */
export async function onOtherWorker<T>(
	ctx: QueueContext,
	label: string,
	workflow: { id: string; path: string },
	prove: (setup: ProofSetup, awayFrom: (firstId: string) => Promise<void>) => Promise<T>,
	ids: (proof: T) => [string, string],
): Promise<OnOtherWorker<T>> {
	const { cluster, sim } = ctx;
	const setup: ProofSetup = {
		sim,
		rest: cluster.rest,
		url: `${cluster.main.baseUrl}/webhook/${workflow.path}`,
		before: (await executionsOf(cluster.postgres, workflow.id)).length,
		waitForExecutions: (count, timeoutMs) =>
			waitForExecutions(cluster.postgres, workflow.id, count, timeoutMs),
	};
	let stopped: N8nWorker | undefined;
	let stopMs = 0;
	let restartMs = 0;
	let proof: T;
	try {
		proof = await prove(setup, async (firstId) => {
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
