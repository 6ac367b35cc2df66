/**
 * Debian packages the queue-mode test needs (redis-server, postgresql), installed with apt-get only
 * when missing. `apt-get update` runs at most once per process; installs are serialised (two
 * services asking at once would collide on dpkg's lock) and wait for another process's apt lock.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

const POLICY_RC = '/usr/sbin/policy-rc.d';

let updated = false;
let queue: Promise<unknown> = Promise.resolve();

function run(cmd: string, args: string[], logFile: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
		const child = spawn(cmd, args, {
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
			stdio: ['ignore', out, out],
		});
		child.on('error', (e) => {
			fs.closeSync(out);
			reject(e);
		});
		child.on('exit', (code, signal) => {
			fs.closeSync(out);
			if (code === 0) resolve();
			else
				reject(
					new Error(
						`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}); see ${logFile}`,
					),
				);
		});
	});
}

/**
 * Install `packages` unless `present()` already says yes. A package's install script would start
 * its system service (redis on 6379, the "main" PostgreSQL cluster on 5432); a policy-rc.d that
 * answers 101 forbids that. Docker's Debian images ship one; otherwise one is put there for the
 * duration of the install only.
 */
export function ensureDebianPackages(
	packages: string[],
	present: () => boolean,
	logFile: string,
): Promise<void> {
	const job = queue.then(async () => {
		if (present()) return;
		const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
		if (!asRoot || !fs.existsSync('/usr/bin/apt-get')) {
			throw new Error(
				`${packages.join(', ')} missing: install them (apt-get install ${packages.join(' ')}); installing needs root and apt-get`,
			);
		}
		const ownPolicy = !fs.existsSync(POLICY_RC);
		if (ownPolicy)
			fs.writeFileSync(
				POLICY_RC,
				'#!/bin/sh\n# temporary, n8n-nodes-gcore-iam e2e: no service starts during apt-get install\nexit 101\n',
				{ mode: 0o755 },
			);
		try {
			const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
			if (!updated) {
				await run('apt-get', [...lockWait, 'update'], logFile);
				updated = true;
			}
			await run(
				'apt-get',
				[...lockWait, 'install', '-y', '--no-install-recommends', ...packages],
				logFile,
			);
		} finally {
			if (ownPolicy) fs.rmSync(POLICY_RC, { force: true });
		}
		if (!present())
			throw new Error(`${packages.join(', ')} still missing after apt-get install; see ${logFile}`);
	});
	queue = job.catch(() => undefined);
	return job;
}
