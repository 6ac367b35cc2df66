// Queue mode: a proof whose second execution must run on the other worker. Bull gives a job to whichever
// worker asks first, so the worker that ran the first is stopped (SIGTERM, graceful) and started again after.
import * as assert from 'node:assert/strict';

import { say } from '../harness/log';
import type { N8nWorker } from '../harness/n8n/worker';
import { restartWorker } from '../harness/queue/cluster';
import { seconds, workerOf, workerStarting } from '../harness/queue/executions';
import type { WorkflowJson } from '../harness/workflows/workflowJson';
import { measured } from './measured';
import type { QueueScenario } from './scenario';
import { hookOnQueue, type Hook } from './webhookSteps';

interface Proof {
	ids: [string, string];
	note: string;
}

/** `prove` calls `awayFrom(firstId)` between its two executions; `rows`: what it measured, per worker. */
export function onOtherWorker<T extends Proof>(spec: {
	name: string;
	order: number;
	label: string;
	workflow: { id: string; path: string };
	workflows?: () => WorkflowJson[];
	prove(hook: Hook, awayFrom: (firstId: string) => Promise<void>): Promise<T>;
	rows(proof: T, first: string, second: string): Record<string, string>;
}): QueueScenario {
	const { label } = spec;
	return {
		name: spec.name,
		mode: 'queue',
		order: spec.order,
		label,
		workflows: spec.workflows,
		async run(ctx) {
			const { cluster } = ctx;
			let stopped: N8nWorker | undefined;
			let [stopMs, restartMs] = [0, 0];
			let proof: T;
			try {
				proof = await spec.prove(hookOnQueue(ctx, spec.workflow), async (firstId) => {
					assert.equal(stopped, undefined, 'awayFrom called twice');
					const worker = await workerStarting(cluster.workers, firstId, 60_000);
					const others = cluster.workers.filter((w) => w !== worker && w.running());
					assert.ok(others.length, `no other worker is running beside ${worker.name}`);
					const t = Date.now();
					await worker.stop();
					stopMs = Date.now() - t;
					stopped = worker;
					say(`${worker.name} (ran execution ${firstId}) stopped in ${seconds(stopMs)}`);
				});
			} finally {
				const t = Date.now();
				if (stopped) await restartWorker(cluster, stopped);
				restartMs = Date.now() - t;
			}
			assert.ok(stopped, 'the proof never asked for the other worker');
			const ranOn = workerOf(cluster.workers);
			const [firstId, secondId] = proof.ids;
			const first = stopped.name;
			const second = ranOn.get(secondId) ?? 'no worker';
			measured(label, {
				[`${first} stopped (SIGTERM, graceful) between the two executions / started again (ready)`]: `${seconds(stopMs)} / ${seconds(restartMs)}`,
				...spec.rows(proof, first, second),
			});
			assert.equal(ranOn.get(firstId), first, `execution ${firstId} ran on ${first} alone`);
			assert.ok(
				second !== first && cluster.workers.some((w) => w.name === second),
				`execution ${secondId} ran on ${second}, not on the other worker`,
			);
			return `${proof.note}; first on ${first}, second on ${second}`;
		},
	};
}
