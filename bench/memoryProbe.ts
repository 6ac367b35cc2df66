/**
 * Scenario 4 (scenarios/memory.ts runs it), in a fresh process so that earlier scenarios' heap
 * does not hide the cost:
 * tsx bench/memoryProbe.ts <simulator url> <items> <concurrency>
 * Loads the engine, warms it up, measures the idle RSS after full GCs, then:
 * 1. runs <items> items through our node, sampling RSS every 5 ms (plus the kernel's
 *    high-water mark): the peak above idle, garbage included, as the machine sees it;
 *    then, with the run's result still held (n8n keeps it until the execution ends), a full
 *    GC: what stays;
 * 2. the same items again with a full GC every second: the live heap while the node works
 *    (what the node and n8n actually hold, without the garbage V8 has not collected yet);
 * 3. the raw axios loop over the same addresses, sampled like 1, for comparison.
 * Prints one JSON line.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { customers } from './customers';
import { runOurNode } from './ourNode';
import { runAxiosClient } from './rawClient';
import { DEFAULT_API_KEY } from '../simulator';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settle(): Promise<void> {
	for (let i = 0; i < 3; i++) {
		gc();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

interface Peak {
	idleRss: number;
	idleHeap: number;
	peakRss: number;
	peakHeap: number;
}

/** Peak RSS and heap while `work` runs, from an idle (GC'd) start; `everyMs` samples, `forceGc` GCs first. */
async function measure(
	work: () => Promise<void>,
	everyMs: number,
	forceGc: boolean,
): Promise<Peak> {
	await settle();
	const idle = process.memoryUsage();
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	const peak: Peak = {
		idleRss: idle.rss,
		idleHeap: idle.heapUsed,
		peakRss: idle.rss,
		peakHeap: idle.heapUsed,
	};
	const sample = () => {
		if (forceGc) gc();
		const now = process.memoryUsage();
		peak.peakRss = Math.max(peak.peakRss, now.rss);
		peak.peakHeap = Math.max(peak.peakHeap, now.heapUsed);
	};
	const sampler = setInterval(sample, everyMs);
	await work();
	clearInterval(sampler);
	sample();
	const maxRssAfter = process.resourceUsage().maxRSS * 1024;
	if (!forceGc && maxRssAfter > maxRssBefore) peak.peakRss = Math.max(peak.peakRss, maxRssAfter);
	return peak;
}

async function main(): Promise<void> {
	const [url, itemsArg, concurrencyArg] = process.argv.slice(2);
	const items = Number(itemsArg);
	const concurrency = Number(concurrencyArg);
	await runOurNode(url, customers(200), { concurrency });
	await runAxiosClient({
		url,
		apiKey: DEFAULT_API_KEY,
		emails: customers(200).map((item) => item.email as string),
		concurrency,
	});

	const hold: { run?: unknown } = {};
	let nodeMs = 0;
	let routed: number[] = [];
	let workflowError: string | undefined;
	const ours = await measure(
		async () => {
			const run = await runOurNode(url, customers(items), { concurrency }, hold);
			({ nodeMs, routed, workflowError } = run);
		},
		5,
		false,
	);
	await settle();
	const retainedHeap = process.memoryUsage().heapUsed;
	hold.run = undefined;

	const live = await measure(
		async () => {
			await runOurNode(url, customers(items), { concurrency });
		},
		1000,
		true,
	);
	const emails = customers(items).map((item) => item.email as string);
	const axios = await measure(
		async () => {
			await runAxiosClient({ url, apiKey: DEFAULT_API_KEY, emails, concurrency });
		},
		5,
		false,
	);

	process.stdout.write(
		`${JSON.stringify({ items, ours, retainedHeapAfterRun: retainedHeap, live, axios, nodeMs, routed, workflowError })}\n`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
