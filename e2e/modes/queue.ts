/**
 * Mode 'queue' (npm run test:queue): the package in n8n 2.41.1's queue mode, as a user scales n8n
 * out: our own Redis and PostgreSQL (Debian packages, installed when missing), one main and two
 * workers (harness/queue/cluster.ts), then the queue scenarios. Prints the measured table at the end.
 * One n8n version per run (one database); the queue set-up was measured on 2.41.1 (QUEUE-MODE.md).
 */
import * as os from 'node:os';
import * as path from 'node:path';

import { writeDocsBlocks } from '../../harness/docsBlock';
import { REPO } from '../../harness/ourPackage';

import { DEFAULT_API_KEY } from '../../simulator';
import { ensureRealN8n, type RealN8n } from '../../harness/n8n/install';
import {
	startCluster,
	startServices,
	WORKER_CONCURRENCY,
	type QueueCluster,
} from '../../harness/queue/cluster';
import { batchWorkflow, customerWorkflow } from '../../harness/workflows/queueWorkflows';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	credentialJson,
} from '../../harness/workflows/workflowJson';
import { check, notRun } from '../checks';
import { measuredTable } from '../measured';
import { runnable } from '../scenario';
import type { ModeDefinition, ModeRun } from './mode';

const QUEUE_N8N_VERSION = '2.41.1';
const SCALING_DOC = path.join(REPO, 'docs', 'scaling.md');

function provenance(version: string): string {
	return `From the last full \`npm run test:queue\` that passed: n8n ${version}, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load average ${os
		.loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')} at the end.`;
}
const LOGS = [
	'main.log',
	'worker1.log',
	'worker2.log',
	'simulator.log',
	'redis.log',
	'postgres.log',
];

export const queueMode: ModeDefinition = {
	defaultVersions: [QUEUE_N8N_VERSION],
	timeoutMin: 40,
	command: 'test:queue',
	workPrefix: 'gcore-iam-queue-',
	begin({ work, versions, scenarios, complete }: ModeRun) {
		if (versions.length !== 1)
			throw new Error(`queue mode runs one n8n version per run, asked for ${versions.join(', ')}`);
		const [version] = versions;
		const t0 = Date.now();
		const install = ensureRealN8n(version);
		install.catch(() => undefined);
		const services = startServices(work);
		services.catch(() => undefined);
		const queue = scenarios.flatMap((s) => (s.mode === 'queue' ? [s] : []));
		return {
			title: `queue mode in the real n8n ${version}`,
			logs: () => LOGS.map((f) => ({ title: f, file: path.join(work, f), lines: 40 })),
			report: (failed) => {
				const table = measuredTable();
				// A full run that passed keeps docs/scaling.md's table of the last run true.
				const written =
					complete && failed === 0
						? writeDocsBlocks(SCALING_DOC, 'queue', (id) =>
								id === 'measured' ? `${provenance(version)}\n\n${table}` : undefined,
							)
						: [];
				const where = written.length ? ` (written to ${path.relative(REPO, SCALING_DOC)})` : '';
				return `\nMeasured (n8n ${version}, queue mode, 2 workers)${where}:\n\n${table}\n`;
			},
			async run(built) {
				let real: RealN8n | undefined;
				await check(`Node 24 and n8n ${version} (cached)`, async () => {
					real = await install;
					return `${real.n8nDir}`;
				});
				let started: Awaited<typeof services> | undefined;
				await check(
					'Redis and PostgreSQL: own instances on 127.0.0.1 (Debian packages)',
					async () => {
						const t = Date.now();
						started = await services;
						return `redis ${started.redis.port}, postgres ${started.postgres.port}; ready ${((Date.now() - t0) / 1000).toFixed(1)} s after start (waited ${((Date.now() - t) / 1000).toFixed(1)} s here)`;
					},
				);
				const toRun = runnable(queue, version);
				let cluster: QueueCluster | undefined;
				if (built && real && started) {
					const { tgz, sim } = built;
					await check(
						`n8n ${version} queue mode: package in each user folder, workflows published, main + 2 workers (concurrency ${WORKER_CONCURRENCY}) ready`,
						async () => {
							const t = Date.now();
							cluster = await startCluster({
								real: real!,
								work,
								tgz,
								services: started!,
								credentials: [
									credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, DEFAULT_API_KEY, sim.url),
								],
								workflows: [
									customerWorkflow(),
									batchWorkflow(),
									...toRun.flatMap((s) => s.workflows?.() ?? []),
								],
							});
							return `main ${cluster.main.baseUrl}, ${cluster.workers.map((w) => `${w.name} pid ${w.pid}`).join(', ')} (${((Date.now() - t) / 1000).toFixed(0)} s)`;
						},
					);
				}
				for (const s of toRun) {
					if (!cluster || !built) notRun(s.name, 'set-up failed');
					else await check(s.name, () => s.run({ cluster: cluster!, sim: built.sim, work }));
				}
			},
		};
	},
};
