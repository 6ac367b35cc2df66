/**
 * Scenario 4: 10,000 items through our node; peak RSS above the idle engine, measured in a
 * process of its own (bench/memoryProbe.ts) against the shared simulator at 5 ms latency.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { simulatorUsers } from '../customers';
import { count, mark, s } from '../report';
import { scenario } from '../scenario';
import { round } from '../stats';
import { REPO } from '../../harness/ourPackage';

const MB = 1024 * 1024;
export const MEMORY_LATENCY_MS = 5;

export interface MemoryResult {
	items: number;
	latencyMs: number;
	idleRssMb: number;
	peakRssMb: number;
	/** The target's measure: peak RSS while the node runs, above the idle engine (garbage included); median of the probes. */
	peakAboveIdleMb: number;
	/** Every probe's peak above idle (V8 collects garbage when it sees fit: it varies run to run). */
	peakAboveIdleRunsMb: number[];
	heapPeakAboveIdleMb: number;
	/** Heap after a full GC at the end, the run's result (all items of all nodes) still held. */
	retainedAfterRunMb: number;
	/** Highest heap above idle with a full GC every second during a second run: what is really live. */
	livePeakAboveIdleMb: number;
	/** The raw axios loop over the same addresses, measured like our node's first run. */
	rawAxiosPeakAboveIdleMb: number;
	nodeMs: number;
	routed: number[];
	workflowError?: string;
	targetMb: number;
	met: boolean;
}

interface Peak {
	idleRss: number;
	idleHeap: number;
	peakRss: number;
	peakHeap: number;
}

interface ProbeOutput {
	items: number;
	ours: Peak;
	retainedHeapAfterRun: number;
	live: Peak;
	axios: Peak;
	nodeMs: number;
	routed: number[];
	workflowError?: string;
}

/** bench/memoryProbe.ts in a fresh process (tsx): the JSON line it prints last. */
function probe(args: string[]): Promise<ProbeOutput> {
	return new Promise((resolve, reject) => {
		const tsxCli = require.resolve('tsx/cli', { paths: [REPO] });
		const script = path.join(REPO, 'bench', 'memoryProbe.ts');
		const child = spawn(process.execPath, [tsxCli, script, ...args], {
			cwd: REPO,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
		child.once('error', reject);
		child.once('exit', (code) => {
			const line = out.trim().split('\n').at(-1) ?? '';
			if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as ProbeOutput);
			else reject(new Error(`memoryProbe.ts failed (exit ${code}):\n${err}${out}`));
		});
	});
}

async function memory(
	context: BenchContext,
	fullItems: number,
	targetMb: number,
): Promise<MemoryResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const outputs: ProbeOutput[] = [];
	for (let rep = 0; rep < settings.reps; rep++) {
		outputs.push(
			await progress.run(
				`memory: ${items} items in a fresh engine process (3 passes), probe ${rep + 1}/${settings.reps}`,
				async () => {
					await sim.prepare({ users: simulatorUsers(items), latencyMs: MEMORY_LATENCY_MS });
					return await probe([sim.url, String(items), String(settings.concurrency)]);
				},
			),
		);
	}
	const aboveIdle = (output: ProbeOutput) => output.ours.peakRss - output.ours.idleRss;
	const sorted = [...outputs].sort((a, b) => aboveIdle(a) - aboveIdle(b));
	const output = sorted[Math.floor((sorted.length - 1) / 2)];
	const mb = (bytes: number) => round(bytes / MB, 1);
	const peakAboveIdleMb = mb(output.ours.peakRss - output.ours.idleRss);
	return {
		items,
		latencyMs: MEMORY_LATENCY_MS,
		idleRssMb: mb(output.ours.idleRss),
		peakRssMb: mb(output.ours.peakRss),
		peakAboveIdleMb,
		peakAboveIdleRunsMb: outputs.map((probeOutput) => mb(aboveIdle(probeOutput))),
		heapPeakAboveIdleMb: mb(output.ours.peakHeap - output.ours.idleHeap),
		retainedAfterRunMb: mb(output.retainedHeapAfterRun - output.ours.idleHeap),
		livePeakAboveIdleMb: mb(output.live.peakHeap - output.live.idleHeap),
		rawAxiosPeakAboveIdleMb: mb(output.axios.peakRss - output.axios.idleRss),
		nodeMs: output.nodeMs,
		routed: output.routed,
		workflowError: output.workflowError,
		targetMb,
		met: peakAboveIdleMb <= targetMb && !output.workflowError,
	};
}

function memoryTable(m: MemoryResult): string[] {
	return [
		`Memory: ${count(m.items)} items (${m.latencyMs} ms latency, ${s(m.nodeMs)}), in a fresh process; idle engine ${m.idleRssMb} MB RSS.`,
		'',
		'| Peak RSS above idle, median (target) | Heap peak above idle | Live heap above idle (GC every 1 s) | Heap kept after the run (run data held) | raw axios loop, peak RSS above idle | Target |',
		'|---|---|---|---|---|---|',
		`| ${m.peakAboveIdleMb} MB (runs: ${m.peakAboveIdleRunsMb.join(', ')}) | ${m.heapPeakAboveIdleMb} MB | ${m.livePeakAboveIdleMb} MB | ${m.retainedAfterRunMb} MB | ${m.rawAxiosPeakAboveIdleMb} MB | <= ${m.targetMb} MB ${mark(m.met)} |`,
	];
}

/** 10,000 items, peak RSS above the idle engine at most 60 MB. */
export const memoryScenario = scenario<MemoryResult>({
	name: 'memory',
	reportOrder: 50,
	runs: { all: 4 },
	steps: (settings) => settings.reps,
	run: (context) => memory(context, 10_000, 60),
	table: memoryTable,
	targets: (m) => [
		{
			name: `Memory: ${count(m.items)} items, peak RSS above idle engine`,
			value: `${m.peakAboveIdleMb} MB`,
			target: `<= ${m.targetMb} MB`,
			met: m.met,
		},
	],
	figures: (m) => [
		{
			name: `Memory, ${count(m.items)} items: peak RSS above idle engine`,
			value: m.peakAboveIdleMb,
			unit: 'MB',
		},
	],
});
