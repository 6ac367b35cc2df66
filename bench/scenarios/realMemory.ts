/**
 * A peer for the memory figure (scenarios/memory.ts): 10,000 items through our node and
 * through HTTP Request + Switch, each in the real n8n 2.41.1 (`n8n execute`: Manual → Code →
 * the workflow → the branches) against the simulator at the memory scenario's latency. Both
 * measured alike: the peak resident set (VmHWM) of the n8n process, and that peak above the
 * same workflow's run with a few items (n8n's own start-up and modules). The Code node's task
 * runner is a process of its own, not counted (the same for both).
 */
import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { customers, simulatorUsers } from '../customers';
import type { RealN8nBench, RealN8nRun } from '../realN8nBaseline';
import { round } from '../stats';
import { MEMORY_LATENCY_MS } from './memory';

const MB = 1024 * 1024;
const FEW_ITEMS = 10;

/** Progress steps: two workflows, each with a few items and with all. */
export const REAL_MEMORY_STEPS = 4;

export interface RealMemoryRow {
	name: string;
	items: number;
	peakRssMb: number;
	/** The same workflow with FEW_ITEMS items: n8n itself. */
	fewItemsPeakRssMb: number;
	peakAboveFewItemsMb: number;
	nodesMs: number;
	failed: number;
	workflowError?: string;
}

export interface RealMemoryResult {
	n8nVersion: string;
	items: number;
	fewItems: number;
	latencyMs: number;
	concurrency: number;
	rows: RealMemoryRow[];
}

export async function realMemory(context: BenchContext, fullItems: number, real: RealN8nBench): Promise<RealMemoryResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const contenders = [
		{
			name: `Gcore IAM node, concurrency ${settings.concurrency}`,
			run: (count: number) => real.runGcore(`benchGcoreMemory${count}`, customers(count), { concurrency: settings.concurrency }),
		},
		{
			name: 'HTTP Request + Switch, "Never Error", default batching',
			run: (count: number) => real.runHttpRequest(`benchHttpMemory${count}`, sim.url, customers(count), { neverError: true }),
		},
	];
	const rows: RealMemoryRow[] = [];
	for (const { name, run } of contenders) {
		const measure = (count: number): Promise<RealN8nRun> =>
			progress.run(`memory in real n8n ${real.version}: ${count} items, ${name}`, async () => {
				await sim.prepare({ users: simulatorUsers(count), latencyMs: MEMORY_LATENCY_MS });
				return await run(count);
			});
		const few = await measure(FEW_ITEMS);
		const full = await measure(items);
		rows.push({
			name,
			items,
			peakRssMb: round(full.peakRssBytes / MB, 1),
			fewItemsPeakRssMb: round(few.peakRssBytes / MB, 1),
			peakAboveFewItemsMb: round((full.peakRssBytes - few.peakRssBytes) / MB, 1),
			nodesMs: full.nodesMs,
			failed: items - full.routed[0] - full.routed[1] - full.routed[2],
			workflowError: full.workflowError,
		});
	}
	return { n8nVersion: real.version, items, fewItems: FEW_ITEMS, latencyMs: MEMORY_LATENCY_MS, concurrency: settings.concurrency, rows };
}
