/** Debian packages the tooling needs, installed with apt-get when missing, one install at a time. */
import * as fs from 'node:fs';

import { runLogged } from '../commands';

const POLICY_RC = '/usr/sbin/policy-rc.d';

let updated = false;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Installs `packages` unless `present()`. A policy-rc.d answering 101 keeps their install scripts
 * from starting system services (redis on 6379, PostgreSQL on 5432); Docker's Debian images ship one.
 */
export function ensureDebianPackages(
	packages: string[],
	present: () => boolean,
	logFile: string,
): Promise<void> {
	const job = queue.then(async () => {
		if (present()) return;
		if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/apt-get'))
			throw new Error(
				`${packages.join(', ')} missing: install them (apt-get install ${packages.join(' ')}); installing needs root and apt-get`,
			);
		const ownPolicy = !fs.existsSync(POLICY_RC);
		if (ownPolicy) fs.writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
		const apt = (...args: string[]) =>
			runLogged('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
				env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
				logFile,
			});
		try {
			if (!updated) await apt('update');
			updated = true;
			await apt('install', '-y', '--no-install-recommends', ...packages);
		} finally {
			if (ownPolicy) fs.rmSync(POLICY_RC, { force: true });
		}
		if (!present())
			throw new Error(`${packages.join(', ')} still missing after apt-get install; see ${logFile}`);
	});
	queue = job.catch(() => undefined);
	return job;
}
