/**
 * Scenario 4: 10,000 items through our node; peak RSS above the idle engine, measured in a
 * process of its own (bench/memoryProbe.ts) against the shared simulator at 5 ms latency.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { simulatorUsers } from '../customers';
import { REPO } from '../simulatorProcess';
import { round } from '../stats';

const MB = 1024 * 1024;
const LATENCY_MS = 5;

export interface MemoryResult {
	items: number;
	latencyMs: number;
	idleRssMb: number;
	peakRssMb: number;
	peakAboveIdleMb: number;
	heapPeakAboveIdleMb: number;
	nodeMs: number;
	routed: number[];
	workflowError?: string;
	targetMb: number;
	met: boolean;
}

interface ProbeOutput {
	items: number;
	idleRss: number;
	peakRss: number;
	idleHeapUsed: number;
	peakHeapUsed: number;
	nodeMs: number;
	routed: number[];
	workflowError?: string;
}

function probe(args: string[]): Promise<ProbeOutput> {
	return new Promise((resolve, reject) => {
		const tsxCli = require.resolve('tsx/cli', { paths: [REPO] });
		const child = spawn(process.execPath, [tsxCli, path.join(REPO, 'bench', 'memoryProbe.ts'), ...args], {
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
			else reject(new Error(`memory probe failed (exit ${code}):\n${err}${out}`));
		});
	});
}

export async function memory(context: BenchContext, fullItems: number, targetMb: number): Promise<MemoryResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const output = await progress.run(`memory: ${items} items in a fresh engine process`, async () => {
		await sim.prepare({ users: simulatorUsers(items), latencyMs: LATENCY_MS });
		return await probe([sim.url, String(items), String(settings.concurrency)]);
	});
	const peakAboveIdleMb = round((output.peakRss - output.idleRss) / MB, 1);
	return {
		items,
		latencyMs: LATENCY_MS,
		idleRssMb: round(output.idleRss / MB, 1),
		peakRssMb: round(output.peakRss / MB, 1),
		peakAboveIdleMb,
		heapPeakAboveIdleMb: round((output.peakHeapUsed - output.idleHeapUsed) / MB, 1),
		nodeMs: output.nodeMs,
		routed: output.routed,
		workflowError: output.workflowError,
		targetMb,
		met: peakAboveIdleMb <= targetMb && !output.workflowError,
	};
}
