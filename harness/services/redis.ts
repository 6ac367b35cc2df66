/**
 * Our own Redis for n8n's queue mode: Debian's redis-server (installed when missing), on
 * 127.0.0.1 and a free port, its data folder under the caller's work folder, no persistence.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { ensureDebianPackages } from './apt';
import { startOnFreePort } from './daemon';
import type { Service } from './service';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisInstance extends Service {
	port: number;
}

/** One PING over a raw socket. */
function redisPing(port: number): Promise<true | string> {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host: '127.0.0.1' });
		let answer = '';
		const done = (result: true | string) => {
			socket.destroy();
			resolve(result);
		};
		socket.setTimeout(2000, () => done('no answer to PING'));
		socket.on('error', (e) => done(e.message));
		socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
		socket.on('data', (d: Buffer) => {
			answer += d.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG') || answer);
		});
	});
}

export async function startRedis(workDir: string): Promise<RedisInstance> {
	const dir = path.join(workDir, 'redis');
	fs.mkdirSync(dir, { recursive: true });
	const installed = () => fs.existsSync(REDIS_SERVER);
	await ensureDebianPackages(['redis-server'], installed, path.join(workDir, 'apt.log'));
	const { port, stop } = await startOnFreePort({
		name: 'redis-server',
		cmd: REDIS_SERVER,
		args: (p) => [
			...`--port ${p} --bind 127.0.0.1 --dir ${dir} --appendonly no --daemonize no`.split(' '),
			...['--save', '', '--logfile', ''],
		],
		logFile: path.join(workDir, 'redis.log'),
		spawn: { cwd: dir },
		probe: redisPing,
		timeoutMs: 20_000,
		// redis shuts down at once (nothing to save with --save '')
		stopSignal: 'SIGTERM',
	});
	return {
		name: 'redis',
		n8nEnv: () => ({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) }),
		port,
		stop,
	};
}
