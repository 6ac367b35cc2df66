/**
 * Our own Redis for n8n's queue mode: Debian's redis-server (installed when missing), on
 * 127.0.0.1 and a free port, its data folder under the caller's work folder, no persistence.
 * stop() ends it and leaves no process behind. No system service is involved.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { ensureDebianPackages } from './apt';
import { freePort } from '../ports';
import { startDaemon, waitUntilAnswers } from './daemon';
import type { Service } from './service';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisInstance extends Service {
	host: '127.0.0.1';
	port: number;
	/** redis://127.0.0.1:port */
	url: string;
	dir: string;
	pid: number;
	logFile: string;
	stop(): Promise<void>;
}

/** One PING over a raw socket; true when the answer is +PONG. */
export function redisPing(port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host });
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
		socket.on('data', (d: Buffer) => {
			answer += d.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

export async function startRedis(workDir: string): Promise<RedisInstance> {
	const dir = path.join(workDir, 'redis');
	fs.mkdirSync(dir, { recursive: true });
	const logFile = path.join(workDir, 'redis.log');
	await ensureDebianPackages(
		['redis-server'],
		() => fs.existsSync(REDIS_SERVER),
		path.join(workDir, 'apt.log'),
	);

	// A free port can be taken between the probe and the bind: try a few.
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		const daemon = startDaemon(
			'redis-server',
			REDIS_SERVER,
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dir,
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
				'--logfile',
				'',
			],
			logFile,
			{ cwd: dir },
		);
		try {
			await waitUntilAnswers(daemon, () => redisPing(port), 20_000);
		} catch (e) {
			await daemon.stop('SIGKILL', 1000);
			if (attempt < 3) continue;
			throw e;
		}
		return {
			name: 'redis',
			n8nEnv: () => ({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) }),
			host: '127.0.0.1',
			port,
			url: `redis://127.0.0.1:${port}`,
			dir,
			pid: daemon.pid,
			logFile,
			// SIGTERM: redis shuts down at once (nothing to save with --save '')
			stop: () => daemon.stop('SIGTERM', 10_000),
		};
	}
}
