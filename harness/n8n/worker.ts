/**
 * `n8n worker` (queue mode) of one instance: its own process group, its own log file (the only
 * place that says which worker ran an execution), ready when its health server answers
 * /healthz/readiness (database and Redis connected).
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import { say, tail } from '../log';
import { freePort } from '../ports';
import { hasExited, spawnGroup, stopProcessGroup } from '../processes';
import type { N8nInstance } from './instance';

export interface N8nWorker {
	name: string;
	child: ChildProcess;
	pid: number;
	logFile: string;
	/** Resolves with how the process ended ("exit 1", "SIGKILL"), should it end before stop(). */
	exited: Promise<string>;
	running(): boolean;
	/** Execution ids this worker started, from its log ("Worker started execution <id> (job <job>)"). */
	startedExecutions(): string[];
	stop(): Promise<void>;
	/** After stop(): the same worker again (user folder, log file, concurrency), ready. */
	startAgain(): Promise<N8nWorker>;
}

export async function startWorker(
	n8n: N8nInstance,
	name: string,
	opts: { concurrency: number; readyTimeoutMs?: number },
): Promise<N8nWorker> {
	const healthPort = await freePort();
	const out = fs.openSync(n8n.logFile, 'a');
	fs.writeSync(
		out,
		`\n===== n8n worker --concurrency=${opts.concurrency} (health port ${healthPort}) =====\n`,
	);
	const env = {
		...n8n.env(),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	};
	const child = spawnGroup(
		name,
		n8n.real.nodeExe,
		[n8n.real.n8nBin, 'worker', `--concurrency=${opts.concurrency}`],
		{ cwd: n8n.userFolder, env, stdio: ['ignore', out, out] },
		15_000,
	);
	fs.closeSync(out);
	const exited = new Promise<string>((resolve) =>
		child.once('exit', (code, sig) => resolve(sig ?? `exit ${code}`)),
	);
	const t0 = Date.now();
	const timeout = opts.readyTimeoutMs ?? 180_000;
	for (;;) {
		if (hasExited(child))
			throw new Error(
				`${name} exited (${await exited}) before it was ready:\n${tail(n8n.logFile, 40)}`,
			);
		if (Date.now() - t0 > timeout)
			throw new Error(`${name} not ready after ${timeout / 1000} s:\n${tail(n8n.logFile, 40)}`);
		const ok = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`, {
			signal: AbortSignal.timeout(5000),
		}).then(
			(r) => r.ok,
			() => false,
		);
		if (ok) break;
		await new Promise((r) => setTimeout(r, 500));
	}
	say(`${name} ready (${Math.round((Date.now() - t0) / 1000)} s)`);
	return {
		name,
		child,
		pid: child.pid!,
		logFile: n8n.logFile,
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
