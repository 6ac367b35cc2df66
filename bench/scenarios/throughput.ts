/**
 * Scenarios 1 and 2: N items at a fixed simulator latency, 10 in flight. Our node through the
 * n8n engine against the raw clients (axios, node:http) doing the same work, interleaved run
 * by run so that a slow moment of the machine hits all alike. The physical limit is
 * items × latency ÷ concurrency. The targets compare with the faster keep-alive client; a
 * fourth client, axios with a new connection per request, is what n8n's request helper allows
 * any node (docs/keep-alive.md): the ratio to it is the node's own cost.
 */
import type { BenchContext } from '../context';
import { itemsFor } from '../context';
import { customers, expectedCounts, simulatorUsers } from '../customers';
import { runOurNode } from '../ourNode';
import {
	runAxiosClient,
	runAxiosNewConnections,
	runNodeHttpClient,
	type RawResult,
} from '../rawClient';
import { DEFAULT_API_KEY } from '../../simulator';
import type { Figure } from '../releaseGuard';
import { count, mark, pct, s } from '../report';
import { scenario, type GroupName, type Target } from '../scenario';
import { round, spread, type Spread } from '../stats';

/** Issue 17's goals for node ÷ the faster raw client, 10 in flight (2,000 items at 20 ms; 500 at 100 ms). */
const THROUGHPUT_TARGET_20_MS = 1.1;
const THROUGHPUT_TARGET_100_MS = 1.02;

/** The rows: 2,000 items at 20 ms, 500 at 100 ms (with targets), and 2,000 at 20 ms + 0–20 ms jitter (for reference). */
const ROWS: Array<{ items: number; latencyMs: number; target?: number; jitterMs?: number }> = [
	{ items: 2000, latencyMs: 20, target: THROUGHPUT_TARGET_20_MS },
	{ items: 500, latencyMs: 100, target: THROUGHPUT_TARGET_100_MS },
	{ items: 2000, latencyMs: 20, jitterMs: 20 },
];

export interface ClientTiming {
	ms: Spread;
	itemsPerSecond: number;
	/** itemsPerSecond ÷ the physical limit. */
	ofLimit: number;
}

export interface ThroughputResult {
	items: number;
	latencyMs: number;
	/** Plus a uniform random 0..jitterMs per answer (0: every answer takes exactly latencyMs). */
	jitterMs: number;
	concurrency: number;
	limitMs: number;
	limitItemsPerSecond: number;
	/** Our node's execution time as n8n records it (the figure compared). */
	ours: ClientTiming & { workflowMs: Spread; cpuMsPerItem: number };
	axios: ClientTiming;
	nodeHttp: ClientTiming;
	/** axios with a new connection per request, as n8n's helper sends (absent in results before 2026-12-02). */
	axiosNewConnections?: ClientTiming;
	/** Our median ÷ each raw client's median; the target is judged against the faster keep-alive one. */
	ratio: { vsAxios: number; vsNodeHttp: number; vsFasterRaw: number; vsNewConnections?: number };
	/** Undefined for an informational row. */
	target?: number;
	met: boolean;
	problems: string[];
}

async function throughput(
	context: BenchContext,
	fullItems: number,
	latencyMs: number,
	target: number | undefined,
	jitterMs = 0,
): Promise<ThroughputResult> {
	const { sim, progress, settings } = context;
	const items = itemsFor(context, fullItems);
	const concurrency = settings.concurrency;
	const input = customers(items);
	const emails = input.map((item) => item.email as string);
	const users = simulatorUsers(items);
	const expected = expectedCounts(items);
	const problems: string[] = [];
	const times = {
		ours: [] as number[],
		workflow: [] as number[],
		cpu: [] as number[],
		axios: [] as number[],
		nodeHttp: [] as number[],
		axiosNew: [] as number[],
	};

	const checkRaw = (name: string, result: RawResult) => {
		const ok =
			result.statusCounts['200'] === expected.sent &&
			result.statusCounts['400'] === expected.alreadyActivated;
		if (!ok) problems.push(`${name}: unexpected answers ${JSON.stringify(result.statusCounts)}`);
	};
	const label = `${items} items, ${latencyMs} ms latency${jitterMs ? ` + 0-${jitterMs} ms jitter` : ''}, ${concurrency} in flight`;
	const runs: Record<string, () => Promise<void>> = {
		ours: async () => {
			const run = await runOurNode(sim.url, input, { concurrency });
			times.ours.push(run.nodeMs);
			times.workflow.push(run.workflowMs);
			times.cpu.push(run.cpuMs / items);
			const wanted = [expected.sent, expected.alreadyActivated, expected.notFound, 0];
			if (run.workflowError || run.routed.some((count, output) => count !== wanted[output])) {
				problems.push(`our node: routed ${run.routed.join('/')} ${run.workflowError ?? ''}`.trim());
			}
		},
		axios: async () => {
			const run = await runAxiosClient({
				url: sim.url,
				apiKey: DEFAULT_API_KEY,
				emails,
				concurrency,
			});
			times.axios.push(run.ms);
			checkRaw('axios', run);
		},
		nodeHttp: async () => {
			const run = await runNodeHttpClient({
				url: sim.url,
				apiKey: DEFAULT_API_KEY,
				emails,
				concurrency,
			});
			times.nodeHttp.push(run.ms);
			checkRaw('node:http', run);
		},
		axiosNew: async () => {
			const run = await runAxiosNewConnections({
				url: sim.url,
				apiKey: DEFAULT_API_KEY,
				emails,
				concurrency,
			});
			times.axiosNew.push(run.ms);
			checkRaw('axios, new connections', run);
		},
	};
	const order = ['ours', 'axios', 'nodeHttp', 'axiosNew'];
	const who: Record<string, string> = {
		ours: 'our node (n8n engine)',
		axios: 'raw axios',
		nodeHttp: 'raw node:http',
		axiosNew: 'raw axios, a new connection per request',
	};
	for (let rep = 0; rep < settings.reps; rep++) {
		// Rotate who goes first, so no client always runs right after the same one.
		const rotated = [...order.slice(rep % order.length), ...order.slice(0, rep % order.length)];
		for (const name of rotated) {
			await progress.run(`${label}: ${who[name]}, run ${rep + 1}/${settings.reps}`, async () => {
				await sim.prepare({ users, latencyMs, jitterMs });
				await runs[name]();
			});
		}
	}

	// With jitter the mean latency sets the limit.
	const meanLatencyMs = latencyMs + jitterMs / 2;
	const limitMs = (items * meanLatencyMs) / concurrency;
	const limitItemsPerSecond = (1000 * concurrency) / meanLatencyMs;
	const timing = (values: number[]): ClientTiming => {
		const ms = spread(values);
		const itemsPerSecond = (1000 * items) / ms.median;
		return {
			ms,
			itemsPerSecond: round(itemsPerSecond, 1),
			ofLimit: round(itemsPerSecond / limitItemsPerSecond, 3),
		};
	};
	const ours = {
		...timing(times.ours),
		workflowMs: spread(times.workflow),
		cpuMsPerItem: round(spread(times.cpu).median, 3),
	};
	const axios = timing(times.axios);
	const nodeHttp = timing(times.nodeHttp);
	const axiosNewConnections = timing(times.axiosNew);
	const vsAxios = round(ours.ms.median / axios.ms.median, 3);
	const vsNodeHttp = round(ours.ms.median / nodeHttp.ms.median, 3);
	const vsFasterRaw = Math.max(vsAxios, vsNodeHttp);
	const vsNewConnections = round(ours.ms.median / axiosNewConnections.ms.median, 3);
	return {
		items,
		latencyMs,
		jitterMs,
		concurrency,
		limitMs,
		limitItemsPerSecond,
		ours,
		axios,
		nodeHttp,
		axiosNewConnections,
		ratio: { vsAxios, vsNodeHttp, vsFasterRaw, vsNewConnections },
		target,
		met:
			target === undefined ? problems.length === 0 : vsFasterRaw <= target && problems.length === 0,
		problems,
	};
}

function throughputTable(rows: ThroughputResult[]): string[] {
	const cell = (t: ThroughputResult['axios']) =>
		`${s(t.ms.median)} · ${Math.round(t.itemsPerSecond)}/s · ${pct(t.ofLimit)}`;
	return [
		'| Work (10 in flight) | Physical limit | Gcore IAM node (n8n engine) | raw axios | raw node:http | ours ÷ raw | Target | raw axios, new connection per request | ours ÷ it |',
		'|---|---|---|---|---|---|---|---|---|',
		...rows.map(
			(t) =>
				`| ${count(t.items)} items, ${t.latencyMs} ms latency${t.jitterMs ? ` + 0–${t.jitterMs} ms jitter` : ''} | ${s(t.limitMs)} · ${Math.round(t.limitItemsPerSecond)}/s | ${cell(t.ours)} | ${cell(t.axios)} | ${cell(t.nodeHttp)} | ` +
				`${t.ratio.vsFasterRaw.toFixed(2)} (vs axios ${t.ratio.vsAxios.toFixed(2)}) | ${t.target === undefined ? 'none (for reference)' : `<= ${t.target.toFixed(2)} ${mark(t.met)}`} | ` +
				`${t.axiosNewConnections ? cell(t.axiosNewConnections) : '–'} | ${t.ratio.vsNewConnections?.toFixed(2) ?? '–'} |`,
		),
	];
}

function throughputTargets(rows: ThroughputResult[]): Target[] {
	return rows.flatMap((t) =>
		t.target === undefined
			? []
			: [
					{
						name: `Our time ÷ raw client, ${count(t.items)} items at ${t.latencyMs} ms`,
						value: `${t.ratio.vsFasterRaw.toFixed(2)}`,
						target: `<= ${t.target.toFixed(2)}`,
						met: t.met,
					},
				],
	);
}

function throughputFigures(rows: ThroughputResult[]): Figure[] {
	return rows.map((t) => {
		const work = `${count(t.items)} items × ${t.latencyMs} ms${t.jitterMs ? ` + 0–${t.jitterMs} ms` : ''}`;
		return { name: `Throughput ${work}: node ÷ raw client`, value: t.ratio.vsFasterRaw, unit: '×' };
	});
}

/** The throughput rows, ours against the raw clients; `rows` of ROWS. */
function throughputOf(
	name: string,
	rows: typeof ROWS,
	reportOrder: number,
	runs: Partial<Record<GroupName, number>>,
) {
	return scenario<ThroughputResult[]>({
		name,
		reportOrder,
		runs,
		field: 'throughput',
		steps: (settings) => rows.length * settings.reps * 4,
		async run(context) {
			const results: ThroughputResult[] = [];
			for (const row of rows)
				results.push(await throughput(context, row.items, row.latencyMs, row.target, row.jitterMs));
			return results;
		},
		table: throughputTable,
		targets: throughputTargets,
		figures: throughputFigures,
		problems: (results) => results.flatMap((t) => t.problems),
	});
}

/** Scenarios 1 and 2 and the jitter row. */
export const throughputScenario = throughputOf('throughput', ROWS, 20, { all: 2 });
/** The rows with targets only (`--only speed`). */
export const throughputTargetsScenario = throughputOf('throughputTargets', ROWS.slice(0, 2), 25, {
	speed: 2,
});
