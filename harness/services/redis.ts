/**
 * Our own Redis for n8n's queue mode: Debian's redis-server (installed when missing), on
 * 127.0.0.1 and a free port, its data folder under the caller's work folder, no persistence.
 * stop() ends it and leaves no process behind. No system service is involved.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { ensureDebianPackages } from './apt';
import { startDaemon, startOnFreePort } from './daemon';
import type { Service } from './service';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisInstance extends Service {
	port: number;
}

/** One PING over a raw socket; true when the answer is +PONG. */
function redisPing(port: number, timeoutMs = 2000): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host: '127.0.0.1' });
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
	const installed = () => fs.existsSync(REDIS_SERVER);
	await ensureDebianPackages(['redis-server'], installed, path.join(workDir, 'apt.log'));
	const log = path.join(workDir, 'redis.log');
	const args = (port: number) =>
		[
			...`--port ${port} --bind 127.0.0.1 --dir ${dir} --appendonly no --daemonize no`.split(' '),
		].concat(['--save', '', '--logfile', '']);
	const { daemon, port } = await startOnFreePort(
		(p) => startDaemon('redis-server', REDIS_SERVER, args(p), log, { cwd: dir }),
		redisPing,
		20_000,
	);
	return {
		name: 'redis',
		n8nEnv: () => ({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) }),
		port,
		// SIGTERM: redis shuts down at once (nothing to save with --save '')
		stop: () => daemon.stop('SIGTERM', 10_000),
	};
}
