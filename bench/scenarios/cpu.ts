/**
 * CPU time per item at zero latency (scenario 2's "where it goes"): this process's CPU
 * (process.cpuUsage, user + system) over a run, ÷ items, for our node and the raw clients;
 * then one more run of our node under V8's sampling profiler, folded by area and function.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { BenchContext } from '../context';
import { itemsFor, RESULTS_DIR } from '../context';
import { customers, simulatorUsers } from '../customers';
import { runOurNode } from '../ourNode';
import { profile, summarize, type ProfileSummary } from '../profile';
import { runAxiosClient, runNodeHttpClient } from '../rawClient';
import { count, pct, s } from '../report';
import { scenario } from '../scenario';
import { DEFAULT_API_KEY } from '../../simulator';
import { round, spread, type Spread } from '../stats';

export interface CpuResult {
	items: number;
	/** CPU ms per item, median over the runs. */
	ours: Spread;
	axios: Spread;
	nodeHttp: Spread;
	/** Wall ms of our node's runs at zero latency (CPU-bound: the event loop is the limit). */
	oursWallMs: Spread;
	profile: ProfileSummary & { itemsProfiled: number; file: string };
}

async function cpuOf(work: () => Promise<unknown>): Promise<number> {
	const before = process.cpuUsage();
	await work();
	const used = process.cpuUsage(before);
	return (used.user + used.system) / 1000;
}

async function cpuAtZeroLatency(
	context: BenchContext,
	fullItems: number,
	resultsDir: string,
): Promise<CpuResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const input = customers(items);
	const emails = input.map((item) => item.email as string);
	const users = simulatorUsers(items);
	const target = {
		url: sim.url,
		apiKey: DEFAULT_API_KEY,
		emails,
		concurrency: settings.concurrency,
	};
	const cpu = {
		ours: [] as number[],
		axios: [] as number[],
		nodeHttp: [] as number[],
		wall: [] as number[],
	};
	const label = `CPU per item, ${items} items at 0 ms latency`;

	for (let rep = 0; rep < settings.reps; rep++) {
		await progress.run(`${label}: our node, run ${rep + 1}/${settings.reps}`, async () => {
			await sim.prepare({ users, latencyMs: 0 });
			const run = await runOurNode(sim.url, input, { concurrency: settings.concurrency });
			cpu.ours.push(run.cpuMs / items);
			cpu.wall.push(run.nodeMs);
		});
		await progress.run(`${label}: raw axios, run ${rep + 1}/${settings.reps}`, async () => {
			await sim.prepare({ users, latencyMs: 0 });
			cpu.axios.push((await cpuOf(() => runAxiosClient(target))) / items);
		});
		await progress.run(`${label}: raw node:http, run ${rep + 1}/${settings.reps}`, async () => {
			await sim.prepare({ users, latencyMs: 0 });
			cpu.nodeHttp.push((await cpuOf(() => runNodeHttpClient(target))) / items);
		});
	}

	const profiled = await progress.run(`${label}: our node under the CPU profiler`, async () => {
		await sim.prepare({ users, latencyMs: 0 });
		return await profile(() => runOurNode(sim.url, input, { concurrency: settings.concurrency }));
	});
	mkdirSync(resultsDir, { recursive: true });
	const file = path.join(resultsDir, 'our-node-zero-latency.cpuprofile');
	writeFileSync(file, JSON.stringify(profiled.profile));

	const perItem = (values: number[]) => {
		const result = spread(values);
		return {
			...result,
			median: round(result.median, 3),
			min: round(result.min, 3),
			max: round(result.max, 3),
			runs: values.map((v) => round(v, 3)),
		};
	};
	return {
		items,
		ours: perItem(cpu.ours),
		axios: perItem(cpu.axios),
		nodeHttp: perItem(cpu.nodeHttp),
		oursWallMs: spread(cpu.wall),
		profile: {
			...summarize(profiled.profile),
			itemsProfiled: items,
			file: path.relative(path.resolve(__dirname, '..', '..'), file),
		},
	};
}

function cpuTable(cpu: CpuResult): string[] {
	const ms = (value: number) => `${value.toFixed(3)} ms`;
	return [
		`| CPU per item at 0 ms latency (${count(cpu.items)} items) | Gcore IAM node (n8n engine) | raw axios | raw node:http |`,
		'|---|---|---|---|',
		`| median (min–max) | ${ms(cpu.ours.median)} (${ms(cpu.ours.min)}–${ms(cpu.ours.max)}) | ${ms(cpu.axios.median)} | ${ms(cpu.nodeHttp.median)} |`,
		'',
		`Where our node's CPU goes (V8 sampling profile of one zero-latency run, ${count(cpu.profile.itemsProfiled)} items, ${s(cpu.profile.busyMs)} busy; profiler overhead included):`,
		'',
		'| Self time by area | ms | share |',
		'|---|---|---|',
		...cpu.profile.byArea
			.filter((a) => a.share >= 0.01)
			.map((a) => `| ${a.area} | ${Math.round(a.ms)} | ${pct(a.share)} |`),
		'',
		'| Inclusive time (synchronous part) | ms | share |',
		'|---|---|---|',
		...cpu.profile.byFunction.map(
			(f) => `| ${f.name.trim()} | ${Math.round(f.ms)} | ${pct(f.share)} |`,
		),
	];
}

export const cpuScenario = scenario<CpuResult>({
	name: 'cpu',
	reportOrder: 30,
	runs: { all: 3 },
	steps: (settings) => settings.reps * 3 + 1,
	run: (context) => cpuAtZeroLatency(context, 2000, RESULTS_DIR),
	table: cpuTable,
	figures: (result) => [
		{
			name: `CPU per item at 0 ms (${count(result.items)} items)`,
			value: result.ours.median,
			unit: 'ms',
		},
	],
});
