/**
 * A long-running n8n process of one instance (`n8n start`), in its own process group, output
 * appended to the instance's log, ready only when n8n says so; killed and started again on the same
 * user folder for the crash scenarios.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import { say } from '../log';
import { hasExited, killGroup, spawnGroup, stopProcessGroup } from '../processes';
import type { N8nInstance } from './instance';

export interface N8nServer {
	baseUrl: string;
	/** The current `n8n start` process (a new one after restart()). */
	readonly child: ChildProcess;
	/** Resolves with how the process ended ("exit 1", "SIGKILL"), should it end before stop(). */
	readonly exited: Promise<string>;
	stop(): Promise<void>;
	/** `kill -9` of the whole process group (n8n and its task runner), as a crash or an OOM kill ends it; resolves once n8n has exited. */
	crash(): Promise<void>;
	/** `n8n start` again on the same user folder (database, key, port), ready as at first start. */
	restart(): Promise<void>;
}

/**
 * Ready means `/healthz/readiness` answers 200 and `GET /rest/login` answers 401 (the REST
 * controllers exist; we are not logged in). Measured here on a fresh database: both lines listen
 * early and answer every path with 200 "n8n is starting up. Please wait" while migrating (so a 200
 * from /rest/settings or / proves nothing), then /rest/login is a 404 until the controllers are
 * registered: 2.41.1 reports ready only after that, 1.123.81 about 10 s before it.
 */
async function isReady(baseUrl: string): Promise<string | true> {
	const probes: Array<[string, number]> = [
		['/healthz/readiness', 200],
		['/rest/login', 401],
	];
	for (const [pathname, want] of probes) {
		let status: number;
		try {
			const res = await fetch(baseUrl + pathname, { signal: AbortSignal.timeout(5000) });
			await res.arrayBuffer();
			status = res.status;
		} catch (e) {
			return `${pathname}: ${(e as Error).message}`;
		}
		if (status !== want) return `${pathname}: ${status}`;
	}
	return true;
}

export async function startServer(
	n8n: N8nInstance,
	opts: { readyTimeoutMs?: number } = {},
): Promise<N8nServer> {
	let current = await startReady(n8n, opts.readyTimeoutMs ?? 180_000);
	return {
		baseUrl: n8n.baseUrl,
		get child() {
			return current.child;
		},
		get exited() {
			return current.exited;
		},
		stop: () => stopProcessGroup(current.child, 'n8n start', 15_000),
		async crash() {
			killGroup(current.child, 'SIGKILL');
			await current.exited;
			n8n.appendLog('kill -9 of n8n start', `${new Date().toISOString()}\n`);
		},
		async restart() {
			if (!hasExited(current.child)) throw new Error('restart() of an n8n that is still running');
			// Recovering the killed executions comes on top of start-up: measured up to 175 s under heavy load.
			current = await startReady(n8n, Math.max(opts.readyTimeoutMs ?? 0, 420_000));
		},
	};
}

async function startReady(
	n8n: N8nInstance,
	readyTimeoutMs: number,
): Promise<{ child: ChildProcess; exited: Promise<string> }> {
	const out = fs.openSync(n8n.logFile, 'a');
	fs.writeSync(out, `\n===== n8n start (port ${n8n.port}) =====\n`);
	const child = spawnGroup(
		'n8n start',
		n8n.real.nodeExe,
		[n8n.real.n8nBin, 'start'],
		{
			cwd: n8n.userFolder,
			env: n8n.env(),
			stdio: ['ignore', out, out],
		},
		15_000,
	);
	fs.closeSync(out);
	const exited = new Promise<string>((resolve) =>
		child.once('exit', (code, sig) => resolve(sig ?? `exit ${code}`)),
	);
	const t0 = Date.now();
	let lastReason = 'not asked yet';
	for (;;) {
		if (hasExited(child))
			throw new Error(
				`n8n start exited (${await exited}) before it was ready:\n${n8n.logTail(40)}`,
			);
		if (Date.now() - t0 > readyTimeoutMs) {
			await stopProcessGroup(child, 'n8n start');
			throw new Error(
				`n8n start not ready after ${readyTimeoutMs / 1000} s (last: ${lastReason}):\n${n8n.logTail(40)}`,
			);
		}
		const ready = await isReady(n8n.baseUrl);
		if (ready === true) break;
		lastReason = ready;
		await new Promise((r) => setTimeout(r, 500));
	}
	say(`n8n ${n8n.version} is up at ${n8n.baseUrl} (${Math.round((Date.now() - t0) / 1000)} s)`);
	return { child, exited };
}
