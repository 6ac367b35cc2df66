// 10,000 items through our node at 5 ms: the peak resident set above the idle engine, each run in a
// fresh process (this file run by itself): no earlier scenario's heap hides or inflates it.
import { execFileSync } from 'node:child_process';

import { runOurNode } from '../engine';
import { customers } from '../customers';
import { count, median, peakAbove, prepareApi, progress, s } from '../measure';
import { itemsFor, type Scenario } from '../scenario';
import { REPO } from '../../harness/ourPackage';

const TARGET_MB = 60;

/** In the fresh process: warm-up and full GCs, then the peak while the items run. */
async function probe(url: string, items: number, concurrency: number): Promise<void> {
	await runOurNode(url, customers(200), { concurrency });
	for (let i = 0; i < 3; i++) {
		global.gc!();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const idleMb = Math.round(process.memoryUsage().rss / 1024 ** 2);
	const run = () => runOurNode(url, customers(items), { concurrency });
	const { mb, done } = await peakAbove('self', run);
	process.stdout.write(`${JSON.stringify({ ...done, mb, idleMb })}\n`);
}

export const memoryScenario: Scenario = {
	name: 'memory',
	async run({ sim, settings }) {
		const items = itemsFor(settings, 10_000);
		const probeArgs = [sim.url, items, settings.concurrency].map(String);
		const args = ['--expose-gc', '--import', 'tsx', __filename, ...probeArgs];
		const runs: Array<Awaited<ReturnType<typeof runOurNode>> & { mb: number; idleMb: number }> = [];
		for (let rep = 0; rep < settings.reps; rep++) {
			progress(`${items} items in a fresh process`, rep, settings.reps);
			await prepareApi(sim, { latencyMs: 5 }, items);
			const out = execFileSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' });
			runs.push(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
		}
		const mb = median(runs.map((run) => run.mb));
		const failed = Math.max(...runs.map((run) => run.failed + (run.error ? 1 : 0)));
		const name = `${count(items)} items in-process: peak RSS above the idle engine`;
		const target = `<= ${TARGET_MB} MB, 0 failed`;
		const met = mb <= TARGET_MB && !failed;
		const text = `Memory: ${count(items)} items at 5 ms (${s(median(runs.map((run) => run.ms)))}), each run in a fresh process (idle engine ${runs[0].idleMb} MB RSS): peak RSS above idle ${mb} MB, median of ${runs.map((run) => run.mb).join(', ')}; ${failed} failed.`;
		return {
			result: { items, latencyMs: 5, mb, runs },
			table: [text],
			goals: [{ name, value: `${mb} MB, ${failed} failed`, target, met }],
		};
	},
};

if (require.main === module) {
	const [url, items, concurrency] = process.argv.slice(2);
	void probe(url, Number(items), Number(concurrency));
}
