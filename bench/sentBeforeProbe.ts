/**
 * Scenario 5 (sent-before check), run in a fresh process because n8n's deduplication service
 * can be initialised only once per process:
 * tsx bench/sentBeforeProbe.ts <simulator url> <items> <concurrency> <store|none>
 * Warms the engine up, then (with `store`) installs the in-memory deduplication store the way
 * n8n's server does, empty, and runs the items through our node twice: the first run checks
 * and records every address, the second finds them. Prints one JSON line.
 */
import { customers } from './customers';
import { runOurNode } from './ourNode';
import type { RunResult } from '../harness/engine';
import { GCORE_NODE_NAME } from '../harness/engine';
import { installDeduplicationStore } from '../harness/engine/deduplicationStore';

export interface SentBeforeProbeOutput {
	withStore: boolean;
	/** The node's execution time of the first run (every address new) and of the second. */
	firstMs: number;
	secondMs: number;
	/** CPU of the probe process during the first run, ms (less sensitive to a busy machine than time). */
	firstCpuMs: number;
	firstRouted: number[];
	secondRouted: number[];
	/** Items of the second run on Success with outcome "sentBefore". */
	skippedInSecondRun: number;
	/** Store calls in the first run, and the values stored after it. */
	storeCalls: number;
	storedValues: number;
	workflowError?: string;
}

async function main(): Promise<void> {
	const [url, itemsArg, concurrencyArg, variant] = process.argv.slice(2);
	const items = customers(Number(itemsArg));
	const options = { concurrency: Number(concurrencyArg) };
	const warmUp = customers(100);
	await runOurNode(url, warmUp, options);
	await runOurNode(url, warmUp, options);

	const store = variant === 'store' ? await installDeduplicationStore() : undefined;
	store?.clear();
	const first = await runOurNode(url, items, options);
	const storeCalls = store?.calls.length ?? 0;
	const storedValues = [...(store?.rows.values() ?? [])].reduce(
		(sum, row) => sum + (Array.isArray(row.data) ? row.data.length : 0),
		0,
	);
	const hold: { run?: unknown } = {};
	const second = await runOurNode(url, items, options, hold);
	const success = (hold.run as RunResult).outputs(GCORE_NODE_NAME)[0] ?? [];
	const skippedInSecondRun = success.filter(
		(item) => (item.json.invitation as { outcome?: string })?.outcome === 'sentBefore',
	).length;
	const output: SentBeforeProbeOutput = {
		withStore: store !== undefined,
		firstMs: first.nodeMs,
		secondMs: second.nodeMs,
		firstCpuMs: first.cpuMs,
		firstRouted: first.routed,
		secondRouted: second.routed,
		skippedInSecondRun,
		storeCalls,
		storedValues,
		workflowError: first.workflowError ?? second.workflowError,
	};
	process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	},
);
