/** `n8n start` of one instance in its own process group; killed and started again for the crash scenarios. */
import type { ChildProcess } from 'node:child_process';

import { say } from '../log';
import { hasExited, killGroup, startReady, stopProcessGroup } from '../processes';
import type { N8nInstance } from './instance';

export interface N8nServer {
	/** the current process (a new one after restart()) */
	readonly child: ChildProcess;
	/** how it ended ("exit 1", "SIGKILL"), should it end before stop() */
	readonly exited: Promise<string>;
	stop(): Promise<void>;
	/** `kill -9` of the process group (n8n and its task runner), as a crash or an OOM kill */
	crash(): Promise<void>;
	/** on the same user folder, database, key and port */
	restart(): Promise<void>;
}

/** `/healthz/readiness` 200 and `GET /rest/login` 401: see e2e/README.md "How it works", Readiness. */
async function isReady(baseUrl: string): Promise<true | string> {
	for (const [pathname, want] of [
		['/healthz/readiness', 200],
		['/rest/login', 401],
	] as const) {
		const res = await fetch(baseUrl + pathname, { signal: AbortSignal.timeout(5000) });
		await res.arrayBuffer();
		if (res.status !== want) return `${pathname}: ${res.status}`;
	}
	return true;
}

export async function startServer(n8n: N8nInstance): Promise<N8nServer> {
	const start = async (timeoutMs: number) => {
		const t0 = Date.now();
		const started = await startReady({
			name: 'n8n start',
			cmd: n8n.real.nodeExe,
			args: [n8n.real.n8nBin, 'start'],
			logFile: n8n.logFile,
			spawn: { cwd: n8n.userFolder, env: n8n.env() },
			graceMs: 15_000,
			probe: () => isReady(n8n.baseUrl),
			timeoutMs,
		});
		say(`n8n ${n8n.version} is up at ${n8n.baseUrl} (${Math.round((Date.now() - t0) / 1000)} s)`);
		return started;
	};
	let current = await start(180_000);
	return {
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
			// recovering the killed executions comes on top: measured up to 175 s under heavy load
			current = await start(420_000);
		},
	};
}
