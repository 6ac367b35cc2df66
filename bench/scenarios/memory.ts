/**
 * 10,000 items through our node at 5 ms: the peak resident set above the idle engine, each
 * repetition in a fresh process (this file run by itself), so that no earlier scenario's heap
 * hides or inflates it. Goal: the median at most 60 MB.
 */
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { runOurNode } from '../engine';
import { customers } from '../customers';
import { count, median, prepareApi, s, table } from '../measure';
import { itemsFor, scenario } from '../scenario';
import { REPO } from '../../harness/ourPackage';

const MB = 1024 * 1024;
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
	let peak = idle;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	const run = await runOurNode(url, customers(items), { concurrency });
	clearInterval(sampler);
	const maxRss = process.resourceUsage().maxRSS * 1024;
	if (maxRss > maxRssBefore) peak = Math.max(peak, maxRss);
	process.stdout.write(`${JSON.stringify({ idle, peak, ...run })}\n`);
}

export const memoryScenario = scenario({
	name: 'memory',
	order: 30,
	groups: [],
	async run({ sim, settings }) {
		const items = itemsFor(settings, 10_000);
		const runs: Array<{
			idle: number;
			peak: number;
			nodeMs: number;
			failed: number;
			error?: string;
		}> = [];
		for (let rep = 0; rep < settings.reps; rep++) {
			process.stderr.write(
				`  ${items} items in a fresh process, run ${rep + 1}/${settings.reps}\n`,
			);
			await prepareApi(sim, { latencyMs: 5 }, items);
			const args = [
				require.resolve('tsx/cli', { paths: [REPO] }),
				__filename,
				sim.url,
				String(items),
				String(settings.concurrency),
			];
			const out = execFileSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' });
			runs.push(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
		}
		const aboveIdle = runs.map((run) => Math.round(((run.peak - run.idle) / MB) * 10) / 10);
		const mb = median(aboveIdle);
		const failed = Math.max(...runs.map((run) => run.failed));
		const result = {
			items,
			latencyMs: 5,
			idleRssMb: Math.round(median(runs.map((run) => run.idle)) / MB),
			aboveIdle,
			mb,
			failed,
		};
		return {
			result,
			table: [
				`Memory: ${count(items)} items at 5 ms (${s(median(runs.map((run) => run.nodeMs)))}), each run in a fresh process; idle engine ${result.idleRssMb} MB RSS.`,
				'',
				...table(
					[result],
					[
						['Peak RSS above idle, median (runs)', (r) => `${r.mb} MB (${r.aboveIdle.join(', ')})`],
						['Failed', (r) => r.failed],
					],
				),
			],
			goals: [
				{
					name: `${count(items)} items in-process: peak RSS above the idle engine`,
					value: `${mb} MB, ${failed} failed`,
					target: `<= ${TARGET_MB} MB, 0 failed`,
					met: mb <= TARGET_MB && failed === 0 && !runs.some((run) => run.error),
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
