/** A service n8n depends on (Redis, PostgreSQL): its daemon on a free loopback port, its variables for n8n. */
import type { SpawnOptions } from 'node:child_process';

import { freePort } from '../ports';
import { startReady, stopProcessGroup } from '../processes';

/** Every n8n process of an instance with this service gets its n8nEnv(). */
export interface Service {
	name: string;
	port: number;
	n8nEnv(): NodeJS.ProcessEnv;
	stop(): Promise<void>;
}

export function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Until `probe` answers (a port can be taken between choosing and binding it: 3 tries); `stop` sends `stopSignal`. */
export async function startOnFreePort(o: {
	name: string;
	cmd: string;
	args: (port: number) => string[];
	logFile: string;
	spawn: SpawnOptions;
	probe: (port: number) => Promise<true | string>;
	timeoutMs: number;
	stopSignal: NodeJS.Signals;
}): Promise<{ port: number; stop: () => Promise<void> }> {
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		try {
			const { child } = await startReady({
				...o,
				args: o.args(port),
				graceMs: 20_000,
				probe: () => o.probe(port),
			});
			return { port, stop: () => stopProcessGroup(child, o.name, 20_000, o.stopSignal) };
		} catch (e) {
			if (attempt >= 3) throw e;
		}
	}
}
