/**
 * 10,000 items through our node at 5 ms: the peak resident set above the idle engine, each
 * repetition in a fresh process (this file run by itself), so that no earlier scenario's heap
 * hides or inflates it. Goal: the median at most 60 MB.
 */
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { runOurNode, type EngineRun } from '../engine';
import { customers } from '../customers';
import { count, median, prepareApi, s } from '../measure';
import { itemsFor, scenario } from '../scenario';
import { REPO } from '../../harness/ourPackage';

const TARGET_MB = 60;

/** In the fresh process: warm-up, idle RSS after full GCs, then the peak while the items run. */
async function probe(url: string, items: number, concurrency: number): Promise<void> {
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	await runOurNode(url, customers(200), { concurrency });
	for (let i = 0; i < 3; i++) {
		gc();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const idle = process.memoryUsage().rss;
	const maxRssBefore = process.resourceUsage().maxRSS;
	let peak = idle;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	const run = await runOurNode(url, customers(items), { concurrency });
	clearInterval(sampler);
	// The kernel's high-water mark catches a peak between samples, once the run has set a new one.
	const maxRss = process.resourceUsage().maxRSS;
	if (maxRss > maxRssBefore) peak = Math.max(peak, maxRss * 1024);
	const mb = Math.round((peak - idle) / 1024 / 102.4) / 10;
	process.stdout.write(`${JSON.stringify({ ...run, mb, idleMb: Math.round(idle / 1024 ** 2) })}\n`);
}

export const memoryScenario = scenario({
	name: 'memory',
	order: 30,
	groups: [],
	async run({ sim, settings }) {
		const items = itemsFor(settings, 10_000);
		const tsx = require.resolve('tsx/cli', { paths: [REPO] });
		const args = [tsx, __filename, sim.url, String(items), String(settings.concurrency)];
		const runs: Array<EngineRun & { mb: number; idleMb: number }> = [];
		for (let rep = 0; rep < settings.reps; rep++) {
			process.stderr.write(
				`  ${items} items in a fresh process, run ${rep + 1}/${settings.reps}\n`,
			);
			await prepareApi(sim, { latencyMs: 5 }, items);
			const out = execFileSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' });
			runs.push(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
		}
		const mb = median(runs.map((run) => run.mb));
		const failed = Math.max(...runs.map((run) => run.failed + (run.error ? 1 : 0)));
		return {
			result: { items, latencyMs: 5, mb, runs },
			table: [
				`Memory: ${count(items)} items at 5 ms (${s(median(runs.map((run) => run.nodeMs)))}), each run in a fresh process (idle engine ${runs[0].idleMb} MB RSS): peak RSS above idle ${mb} MB, median of ${runs.map((run) => run.mb).join(', ')}; ${failed} failed.`,
			],
			goals: [
				{
					name: `${count(items)} items in-process: peak RSS above the idle engine`,
					value: `${mb} MB, ${failed} failed`,
					target: `<= ${TARGET_MB} MB, 0 failed`,
					met: mb <= TARGET_MB && failed === 0,
				},
			],
		};
	},
});

if (require.main === module) {
	const [url, items, concurrency] = process.argv.slice(2);
	probe(url, Number(items), Number(concurrency)).catch((error: unknown) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
}
