/** Child processes, each in its own process group (n8n's task runner stops with n8n), stopped on exit, failure and Ctrl-C. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

import { say, tail } from './log';
import { pollUntil } from './poll';

const stoppers: Array<{ name: string; stop: () => Promise<void> | void }> = [];

export function onCleanup(name: string, stop: () => Promise<void> | void): void {
	stoppers.push({ name, stop });
}

/** Newest first. */
export async function cleanupAll(): Promise<void> {
	while (stoppers.length) {
		const s = stoppers.pop()!;
		try {
			await s.stop();
		} catch (e) {
			say(`clean-up of ${s.name} failed: ${(e as Error).message}`);
		}
	}
}

let signalled = false;
export function installSignalHandlers(): void {
	const handler = (sig: NodeJS.Signals) => {
		if (signalled) return;
		signalled = true;
		say(`${sig}: stopping everything started ...`);
		void cleanupAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
	};
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, handler);
}

export function spawnGroup(
	name: string,
	cmd: string,
	args: string[],
	opts: SpawnOptions,
	graceMs = 10_000,
): ChildProcess {
	const child = spawn(cmd, args, { ...opts, detached: true });
	onCleanup(name, () => stopProcessGroup(child, name, graceMs));
	return child;
}

export function hasExited(child: ChildProcess): boolean {
	return child.exitCode !== null || child.signalCode !== null;
}

/** To the child alone if its group is gone (child.kill() of a dead process does nothing). */
export function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
	try {
		process.kill(-child.pid!, sig);
	} catch {
		child.kill(sig);
	}
}

/** `signal` to the child's group, SIGKILL after `graceMs`. */
export async function stopProcessGroup(
	child: ChildProcess,
	name: string,
	graceMs = 10_000,
	signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
	if (child.pid === undefined || hasExited(child)) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, signal);
	const timer = setTimeout(() => {
		say(`${name} did not stop within ${graceMs / 1000} s: SIGKILL`);
		killGroup(child, 'SIGKILL');
	}, graceMs);
	await exited;
	clearTimeout(timer);
	killGroup(child, 'SIGKILL'); // whatever of the group outlived the leader
}

/** A server-like child, output appended to `logFile`, until `probe` answers true (else why not); stopped if never ready. */
export async function startReady(o: {
	name: string;
	cmd: string;
	args: string[];
	logFile: string;
	spawn: SpawnOptions;
	graceMs: number;
	probe: () => Promise<true | string>;
	timeoutMs: number;
}): Promise<{ child: ChildProcess; exited: Promise<string> }> {
	const out = fs.openSync(o.logFile, 'a');
	fs.writeSync(out, `\n===== ${o.name}: ${o.args.join(' ')} =====\n`);
	const child = spawnGroup(
		o.name,
		o.cmd,
		o.args,
		{ ...o.spawn, stdio: ['ignore', out, out] },
		o.graceMs,
	);
	fs.closeSync(out);
	const exited = new Promise<string>((resolve) =>
		child.once('exit', (code, sig) => resolve(sig ?? `exit ${code}`)),
	);
	let last = 'not asked yet';
	await pollUntil(
		async () => {
			if (hasExited(child))
				throw new Error(
					`${o.name} exited (${await exited}) before it was ready:\n${tail(o.logFile, 40)}`,
				);
			const ready = await o.probe().catch((e: Error) => e.message);
			if (ready === true) return true;
			last = ready;
			return undefined;
		},
		o.timeoutMs,
		async () => {
			await stopProcessGroup(child, o.name, 1000);
			return `${o.name} not ready after ${o.timeoutMs / 1000} s (last: ${last}):\n${tail(o.logFile, 40)}`;
		},
	);
	return { child, exited };
}
