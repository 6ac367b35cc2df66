/** One small run of every client first, so that module loading and JIT warm-up are not timed. */
import type { BenchContext } from '../context';
import { customers, simulatorUsers } from '../customers';
import { runOurNode } from '../ourNode';
import { runAxiosClient, runNodeHttpClient } from '../rawClient';
import { scenario } from '../scenario';
import { DEFAULT_API_KEY } from '../../simulator';

async function warmUp(context: BenchContext): Promise<void> {
	const { sim, progress, settings } = context;
	const input = customers(400);
	const emails = input.map((item) => item.email as string);
	await progress.run('warm-up (engine, package, clients)', async () => {
		await sim.prepare({ users: simulatorUsers(input.length), latencyMs: 0 });
		await runOurNode(sim.url, input, { concurrency: settings.concurrency });
		await runOurNode(sim.url, input, { concurrency: settings.concurrency });
		await runAxiosClient({
			url: sim.url,
			apiKey: DEFAULT_API_KEY,
			emails,
			concurrency: settings.concurrency,
		});
		await runNodeHttpClient({
			url: sim.url,
			apiKey: DEFAULT_API_KEY,
			emails,
			concurrency: settings.concurrency,
		});
	});
}

export const warmUpScenario = scenario<void>({
	name: 'warmUp',
	reportOrder: 10,
	runs: { all: 1, speed: 1 },
	steps: () => 1,
	run: warmUp,
});
