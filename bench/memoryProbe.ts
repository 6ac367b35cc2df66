/**
 * Scenario 4, run in a fresh process so that earlier scenarios' heap does not hide the cost:
 * tsx bench/memoryProbe.ts <simulator url> <items> <concurrency>
 * Loads the engine, warms it up, measures the idle RSS after a full GC, then runs <items>
 * items through our node while sampling RSS every 5 ms (plus the kernel's high-water mark).
 * Prints one JSON line.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { customers } from './customers';
import { runOurNode } from './ourNode';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settle(): Promise<void> {
	for (let i = 0; i < 3; i++) {
		gc();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

async function main(): Promise<void> {
	const [url, itemsArg, concurrencyArg] = process.argv.slice(2);
	const items = Number(itemsArg);
	const concurrency = Number(concurrencyArg);
	await runOurNode(url, customers(200), { concurrency });
	await settle();

	const idle = process.memoryUsage();
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	let peakRss = idle.rss;
	let peakHeap = idle.heapUsed;
	const sample = () => {
		const now = process.memoryUsage();
		peakRss = Math.max(peakRss, now.rss);
		peakHeap = Math.max(peakHeap, now.heapUsed);
	};
	const sampler = setInterval(sample, 5);
	const input = customers(items);
	const run = await runOurNode(url, input, { concurrency });
	sample();
	clearInterval(sampler);
	const maxRssAfter = process.resourceUsage().maxRSS * 1024;
	if (maxRssAfter > maxRssBefore) peakRss = Math.max(peakRss, maxRssAfter);

	process.stdout.write(
		`${JSON.stringify({
			items,
			idleRss: idle.rss,
			peakRss,
			idleHeapUsed: idle.heapUsed,
			peakHeapUsed: peakHeap,
			nodeMs: run.nodeMs,
			workflowMs: run.workflowMs,
			routed: run.routed,
			workflowError: run.workflowError,
		})}\n`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
