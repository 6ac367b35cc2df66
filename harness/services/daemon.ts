/**
 * A service's daemon (redis-server, postgres): started in its own process group with its output in
 * a log file, waited for until it answers, and stopped with the signal that daemon wants for a quick
 * shutdown (PostgreSQL: SIGINT) so that no process of its group is left. Runs as another user where
 * needed (PostgreSQL refuses root), which processes.ts's spawnGroup does not offer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import { tail } from '../log';
import { freePort } from '../ports';

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

export interface Daemon {
	name: string;
	child: ChildProcess;
	pid: number;
	logFile: string;
	/** true while the process has not exited */
	running(): boolean;
	/** send `signal` to the daemon, wait up to graceMs, then SIGKILL its whole group */
	stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface DaemonOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** run as this user (we are root; PostgreSQL refuses to run as root) */
	uid?: number;
	gid?: number;
}

export function startDaemon(
	name: string,
	cmd: string,
	args: string[],
	logFile: string,
	opts: DaemonOptions = {},
): Daemon {
	const out = fs.openSync(logFile, 'a');
	fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
	// detached: its own process group, so stop() can reach whatever it forks
	const child = spawn(cmd, args, {
		cwd: opts.cwd,
		env: opts.env ?? process.env,
		uid: opts.uid,
		gid: opts.gid,
		detached: true,
		stdio: ['ignore', out, out],
	});
	fs.closeSync(out);
	if (child.pid === undefined) throw new Error(`${name}: ${cmd} did not start`);
	const pid = child.pid;
	let exited = false;
	const exit = new Promise<void>((resolve) => {
		child.once('exit', () => {
			exited = true;
			resolve();
		});
		child.once('error', () => {
			exited = true;
			resolve();
		});
	});
	const signalGroup = (sig: NodeJS.Signals) => {
		try {
			process.kill(-pid, sig);
		} catch {
			/* group gone */
		}
	};
	return {
		name,
		child,
		pid,
		logFile,
		running: () => !exited,
		async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000) {
			if (!exited) {
				try {
					process.kill(pid, signal);
				} catch {
					/* already gone */
				}
				const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
				await exit;
				clearTimeout(timer);
			}
			signalGroup('SIGKILL'); // anything of its group that outlived it
		},
	};
}

/** true when some process of the group `pgid` still exists */
export function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Poll `probe` until it resolves true; fail early if the daemon exits, or after timeoutMs. */
export async function waitUntilAnswers(
	daemon: Daemon,
	probe: () => Promise<boolean>,
	timeoutMs: number,
): Promise<void> {
	const t0 = Date.now();
	for (;;) {
		if (!daemon.running())
			throw new Error(
				`${daemon.name} exited before it answered; log ${daemon.logFile}:\n${tail(daemon.logFile, 20)}`,
			);
		if (await probe().catch(() => false)) return;
		if (Date.now() - t0 > timeoutMs)
			throw new Error(
				`${daemon.name} did not answer within ${timeoutMs / 1000} s; log ${daemon.logFile}:\n${tail(daemon.logFile, 20)}`,
			);
		await sleep(100);
	}
}

/** Starts a daemon on a free port until `probe` answers; a port can be taken between the probe and the bind: 3 tries. */
export async function startOnFreePort(
	start: (port: number) => Daemon,
	probe: (port: number) => Promise<boolean>,
	timeoutMs: number,
): Promise<{ daemon: Daemon; port: number }> {
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		const daemon = start(port);
		try {
			await waitUntilAnswers(daemon, () => probe(port), timeoutMs);
			return { daemon, port };
		} catch (e) {
			await daemon.stop('SIGKILL', 1000);
			if (attempt >= 3) throw e;
		}
	}
}
