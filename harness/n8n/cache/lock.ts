/** One install at a time in the cache (also across worktrees and processes); a lock of a dead process is taken over. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { log } from './commands';

export async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
	const lock = path.join(dir, '.install-lock');
	const started = Date.now();
	let lastNote = 0;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch {
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
			} catch {
				/* being created */
			}
			let alive = false;
			if (owner > 0) {
				try {
					process.kill(owner, 0);
					alive = true;
				} catch {
					alive = false;
				}
			}
			if (owner > 0 && !alive) {
				log(`removing stale install lock of dead process ${owner}`);
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() - started > 30 * 60_000)
				throw new Error(`install lock ${lock} held for 30 min`);
			if (Date.now() - lastNote > 30_000) {
				lastNote = Date.now();
				log(`waiting for another install (pid ${owner}) to finish ...`);
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}
