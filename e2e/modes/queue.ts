// Mode 'queue' (npm run test:queue): own Redis and PostgreSQL, main + 2 workers, the queue scenarios and
// the measured table (docs/scaling.md). One n8n version per run (one database).
import * as os from 'node:os';
import * as path from 'node:path';

import { writeDocsBlocks } from '../../harness/docsBlock';
import { ensureRealN8n } from '../../harness/n8n/install';
import { REPO } from '../../harness/ourPackage';
import * as queue from '../../harness/queue/cluster';
import { batchWorkflow, customerWorkflow } from '../../harness/workflows/queueWorkflows';
import { check } from '../checks';
import { measuredTable } from '../measured';
import { runnable } from '../scenario';
import { checkAll, checkInstall, simCredential, workflowsOf, type ModeDefinition } from './mode';

const SCALING_DOC = path.join(REPO, 'docs', 'scaling.md');
const LOGS = ['main', 'worker1', 'worker2', 'simulator', 'redis', 'postgres'];

export const queueMode: ModeDefinition = {
	defaultVersions: ['2.41.1'],
	timeoutMin: 40,
	begin({ work, versions, scenarios, complete }) {
		if (versions.length !== 1)
			throw new Error(`queue mode runs one n8n version per run, asked for ${versions.join(', ')}`);
		const [version] = versions;
		const t0 = Date.now();
		const install = ensureRealN8n(version);
		const services = queue.startServices(work);
		for (const p of [install, services]) p.catch(() => undefined);
		const queueScenarios = scenarios.flatMap((s) => (s.mode === 'queue' ? [s] : []));
		const toRun = runnable(queueScenarios, version);
		return {
			title: `queue mode in the real n8n ${version}`,
			logs: LOGS.map((f) => ({ title: `${f}.log`, file: path.join(work, `${f}.log`), lines: 40 })),
			report(failed) {
				const table = measuredTable();
				// A full run that passed keeps docs/scaling.md's table of the last run true.
				const load = os.loadavg().map((l) => l.toFixed(1));
				const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}`;
				const provenance = `From the last full \`npm run test:queue\` that passed: n8n ${version}, ${new Date().toISOString().slice(0, 10)}, ${cpu}, load average ${load.join(' ')} at the end.`;
				const written =
					complete && !failed
						? writeDocsBlocks(SCALING_DOC, 'queue', (id) =>
								id === 'measured' ? `${provenance}\n\n${table}` : undefined,
							)
						: [];
				const where = written.length ? ' (written to docs/scaling.md)' : '';
				return `\nMeasured (n8n ${version}, queue mode, 2 workers)${where}:\n\n${table}\n`;
			},
			async run(built) {
				const real = await checkInstall(`Node 24 and n8n ${version} (cached)`, install);
				let started: Awaited<typeof services> | undefined;
				await check(
					'Redis and PostgreSQL: own instances on 127.0.0.1 (Debian packages)',
					async () => {
						started = await services;
						return `redis ${started.redis.port}, postgres ${started.postgres.port}; ready ${((Date.now() - t0) / 1000).toFixed(1)} s after start`;
					},
				);
				let cluster: queue.QueueCluster | undefined;
				if (built && real && started) {
					const { tgz, sim } = built;
					await check(
						`n8n ${version} queue mode: package in each user folder, workflows published, main + 2 workers (concurrency ${queue.WORKER_CONCURRENCY}) ready`,
						async () => {
							const t = Date.now();
							const workflows = [customerWorkflow(), batchWorkflow(), ...workflowsOf(toRun)];
							cluster = await queue.startCluster({
								real: real!,
								work,
								tgz,
								services: started!,
								credentials: [simCredential(sim.url)],
								workflows,
							});
							const workers = cluster.workers.map((w) => `${w.name} pid ${w.pid}`).join(', ');
							return `main ${cluster.main.baseUrl}, ${workers} (${((Date.now() - t) / 1000).toFixed(0)} s)`;
						},
					);
				}
				const ctx = cluster && built && { cluster, sim: built.sim };
				await checkAll(toRun, ctx, 'set-up failed');
			},
		};
	},
};
