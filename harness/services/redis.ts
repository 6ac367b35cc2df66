/** Own Redis for n8n's queue mode: Debian's redis-server, no persistence, data under the work folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { capture } from '../commands';
import { ensureDebianPackages } from './apt';
import { startOnFreePort, type Service } from './daemon';

const REDIS_SERVER = '/usr/bin/redis-server';

export type RedisInstance = Service;

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
		// redis-cli comes with redis-server (Debian's redis-tools)
		probe: async (p) => {
			const answer = await capture('redis-cli', ['-h', '127.0.0.1', '-p', String(p), 'ping']);
			return answer.trim() === 'PONG' || answer;
		},
		timeoutMs: 20_000,
		stopSignal: 'SIGTERM',
	});
	return {
		name: 'redis',
		n8nEnv: () => ({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) }),
		port,
		stop,
	};
}
