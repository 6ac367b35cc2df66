/** The simulator in its own process (through tsx): its CPU never competes with the client measured; controlled over /__sim/. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import type { Fault, SimUser, SimulatorOptions, SimulatorStats } from '../simulator';
import { REPO } from './ourPackage';
import { pollUntil } from './poll';
import { hasExited, killGroup, spawnGroup, stopProcessGroup } from './processes';

const LISTENING = /^Gcore IAM simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m;

export type SimulatorProcess = Awaited<ReturnType<typeof startSimulatorProcess>>;

export async function startSimulatorProcess(options: { logFile?: string } = {}) {
	const tsxCli = require.resolve('tsx/cli', { paths: [REPO] });
	const child = spawnGroup(
		'simulator',
		process.execPath,
		[tsxCli, path.join(REPO, 'simulator', 'cli.ts'), '--port', '0'],
		{ cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
		5000,
	);
	const url = await listeningUrl(child, options.logFile);
	const exited = new Promise<string>((resolve) =>
		child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
	);
	const call = <T = void>(method: string, pathname: string, body?: unknown) =>
		control(url, method, pathname, body) as Promise<T>;
	return {
		url,
		/** how the process ended ("exit 1", "SIGKILL"), should it end before stop() */
		exited,
		/** counters, log and faults back to zero; users and settings back to those at start */
		reset: () => call('POST', '/__sim/reset'),
		async prepare(settings: Partial<SimulatorOptions> & { users: SimUser[] }) {
			await call('POST', '/__sim/reset');
			await call('POST', '/__sim/config', { logRequests: false, ...settings });
		},
		/** for one address (case-insensitive) or '*' */
		addFault: (email: string, fault: Fault) => call('POST', '/__sim/faults', { email, fault }),
		stats: () => call<SimulatorStats>('GET', '/__sim/stats'),
		stop: () => stopProcessGroup(child, 'simulator', 5000),
	};
}

/** Its first line has its URL; then its output goes to the log file or nowhere. */
async function listeningUrl(child: ChildProcess, logFile: string | undefined): Promise<string> {
	let out = '';
	const read = (chunk: Buffer) => (out += chunk.toString());
	child.stdout!.on('data', read);
	child.stderr!.on('data', read);
	const url = await pollUntil(
		async () => {
			if (hasExited(child)) throw new Error(`the simulator exited before listening:\n${out}`);
			return LISTENING.exec(out)?.[1];
		},
		// tsx compiles it first: more than 30 s on a loaded 2-core machine
		60_000,
		() => {
			killGroup(child, 'SIGKILL'); // tsx's child runs the simulator: the whole group
			return `the simulator did not listen within 60 s:\n${out}`;
		},
		50,
	);
	const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
	log?.write(out);
	for (const stream of [child.stdout!, child.stderr!]) {
		stream.off('data', read);
		if (log) stream.pipe(log);
		else stream.resume();
	}
	return url;
}

/** On a connection of its own: a pooled socket the simulator closed during a long run would fail the next call. */
async function control(url: string, method: string, pathname: string, body?: unknown) {
	const request = http.request(`${url}${pathname}`, { method, agent: false });
	request.end(body === undefined ? undefined : JSON.stringify(body));
	const [response] = (await once(request, 'response')) as [http.IncomingMessage];
	let text = '';
	for await (const chunk of response) text += String(chunk);
	if ((response.statusCode ?? 0) >= 300)
		throw new Error(`simulator ${method} ${pathname}: ${response.statusCode} ${text}`);
	return text ? (JSON.parse(text) as unknown) : undefined;
}
