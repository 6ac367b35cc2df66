/**
 * Child processes of the e2e and `npm run n8n`: each starts in a process group of its own (so that
 * what it starts, like n8n's task runner, stops with it), registers how to stop it, and everything
 * registered is stopped on exit, failure and Ctrl-C.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

import { say } from './log';

const stoppers: Array<{ name: string; stop: () => Promise<void> | void }> = [];

export function onCleanup(name: string, stop: () => Promise<void> | void): void {
	stoppers.push({ name, stop });
}

/** Stops everything registered, newest first. */
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
	process.on('SIGINT', handler);
	process.on('SIGTERM', handler);
	process.on('SIGHUP', handler);
}

/** spawn() in a new process group, registered for clean-up under `name`. */
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

/** A signal to the child's whole process group (to the child alone if the group is gone). */
export function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
	try {
		process.kill(-child.pid!, sig);
	} catch {
		try {
			child.kill(sig);
		} catch {
			/* already gone */
		}
	}
}

/** SIGTERM to the child's process group, SIGKILL after `graceMs`; then whatever of the group outlived the leader. */
export async function stopProcessGroup(
	child: ChildProcess,
	name: string,
	graceMs = 10_000,
): Promise<void> {
	if (child.pid === undefined || hasExited(child)) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => {
		say(`${name} did not stop within ${graceMs / 1000} s: SIGKILL`);
		killGroup(child, 'SIGKILL');
	}, graceMs);
	await exited;
	clearTimeout(timer);
	killGroup(child, 'SIGKILL'); // whatever of the group outlived the leader
}
