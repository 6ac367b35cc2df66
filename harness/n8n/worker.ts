/** `n8n worker` of one instance: its log is the only place that says which worker ran an execution. */
import * as fs from 'node:fs';

import { say } from '../log';
import { freePort } from '../ports';
import { hasExited, startReady, stopProcessGroup } from '../processes';
import type { N8nInstance } from './instance';

export interface N8nWorker {
	name: string;
	pid: number;
	/** how it ended ("exit 1", "SIGKILL"), should it end before stop() */
	exited: Promise<string>;
	running(): boolean;
	startedExecutions(): string[];
	stop(): Promise<void>;
	/** after stop(): the same worker again, ready */
	startAgain(): Promise<N8nWorker>;
}

export async function startWorker(
	n8n: N8nInstance,
	name: string,
	opts: { concurrency: number },
): Promise<N8nWorker> {
	const healthPort = await freePort();
	const health = `http://127.0.0.1:${healthPort}/healthz/readiness`;
	const env = {
		...n8n.env(),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	};
	const t0 = Date.now();
	const { child, exited } = await startReady({
		name,
		cmd: n8n.real.nodeExe,
		args: [n8n.real.n8nBin, 'worker', `--concurrency=${opts.concurrency}`],
		logFile: n8n.logFile,
		spawn: { cwd: n8n.userFolder, env },
		graceMs: 15_000,
		probe: async () => {
			const res = await fetch(health, { signal: AbortSignal.timeout(5000) });
			return res.ok || `${res.status}`;
		},
		timeoutMs: 180_000,
	});
	say(`${name} ready (${Math.round((Date.now() - t0) / 1000)} s)`);
	return {
		name,
		pid: child.pid!,
		exited,
		running: () => !hasExited(child),
		startedExecutions: () =>
			[...fs.readFileSync(n8n.logFile, 'utf8').matchAll(/Worker started execution (\d+)/g)].map(
				(m) => m[1],
			),
		stop: () => stopProcessGroup(child, name, 15_000),
		startAgain: () => startWorker(n8n, name, opts),
	};
}
