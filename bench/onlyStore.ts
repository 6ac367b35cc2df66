/**
 * `npm run bench -- --only store`: the deduplication store's cost as the node's record grows
 * (scenarios/storeCost.ts), in the real n8n on SQLite and PostgreSQL; printed and written to
 * bench/results/store.json. A what-if with other constants of the node's storeRounds.ts, set in
 * the bench's own installed copy only: GCORE_BENCH_STORE_CONSTANTS='{"MAX_STRINGS":20000}'
 * (written to bench/results/store-<names>.json); GCORE_BENCH_STORE_SIZES='[19000]' and
 * GCORE_BENCH_STORE_DATABASES='["sqlite"]' narrow the runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { BenchSettings } from './context';
import { Progress } from './progress';
import { storeCost, storeCostSteps, storeCostTable, type StoreCostOptions } from './scenarios/storeCost';
import type { Database } from './storeCostN8n';
import { round } from './stats';
import { REPO } from '../harness/ourPackage';
import { cleanupAll } from '../harness/processes';
import { startSimulatorProcess } from '../harness/simulatorProcess';

interface RunInfo {
	commit: string;
	uncommitted: string[];
	build: () => void;
	results: string;
}

export async function onlyStore(settings: BenchSettings, info: RunInfo): Promise<void> {
	const started = Date.now();
	const options: StoreCostOptions = {
		constants: JSON.parse(process.env.GCORE_BENCH_STORE_CONSTANTS ?? '{}') as Record<string, number>,
		sizes: process.env.GCORE_BENCH_STORE_SIZES ? (JSON.parse(process.env.GCORE_BENCH_STORE_SIZES) as number[]) : undefined,
		databases: process.env.GCORE_BENCH_STORE_DATABASES ? (JSON.parse(process.env.GCORE_BENCH_STORE_DATABASES) as Database[]) : undefined,
	};
	const reps = settings.quick ? 1 : settings.reps;
	const progress = new Progress(1 + storeCostSteps(reps, options));
	process.once('SIGINT', () => {
		progress.done();
		void cleanupAll().finally(() => process.exit(130));
	});
	try {
		await progress.run('building the package (npm run build)', async () => info.build());
		const sim = await startSimulatorProcess();
		const result = await storeCost({ sim, progress, settings: { ...settings, reps } }, options);
		progress.done();
		const names = Object.keys(options.constants ?? {});
		const file = path.join(info.results, names.length ? `store-${names.join('-')}.json` : 'store.json');
		mkdirSync(info.results, { recursive: true });
		const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown' };
		const report = { createdAt: new Date().toISOString(), commit: info.commit, uncommitted: info.uncommitted, machine, settings: { ...settings, reps }, durationSeconds: round((Date.now() - started) / 1000), store: result };
		writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(`${storeCostTable(result).join('\n')}\n\nWritten to ${path.relative(REPO, file)}\n`);
	} finally {
		progress.done();
		await cleanupAll();
	}
}
