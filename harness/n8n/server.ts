/** `n8n start` of one instance in its own process group; killed and started again for the crash scenarios. */

import { say } from '../log';
import { hasExited, killGroup, startReady, stopProcessGroup } from '../processes';
import type { N8nInstance } from './instance';

export type N8nServer = Awaited<ReturnType<typeof startServer>>;

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

export async function startServer(n8n: N8nInstance) {
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
		/** the current process (a new one after restart()) */
		get child() {
			return current.child;
		},
		/** how it ended ("exit 1", "SIGKILL"), should it end before stop() */
		get exited() {
			return current.exited;
		},
		stop: () => stopProcessGroup(current.child, 'n8n start', 15_000),
		/** `kill -9` of the process group (n8n and its task runner), as a crash or an OOM kill */
		async crash() {
			killGroup(current.child, 'SIGKILL');
			await current.exited;
			n8n.appendLog('kill -9 of n8n start', `${new Date().toISOString()}\n`);
		},
		/** on the same user folder, database, key and port */
		async restart() {
			if (!hasExited(current.child)) throw new Error('restart() of an n8n that is still running');
			// recovering the killed executions comes on top: measured up to 175 s under heavy load
			current = await start(420_000);
		},
	};
}
