/**
 * Throw-away check of the two services: start our own Redis and PostgreSQL, talk to each the way
 * a client does (PING over a raw socket; psql as the n8n login over TCP), stop both, and verify that
 * no process of theirs is left. Run: npx tsx harness/services/selfCheck.ts
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { portIsFree } from '../ports';
import { groupAlive } from './daemon';
import { startPostgres, type PostgresInstance } from './postgres';
import { redisPing, startRedis, type RedisInstance } from './redis';

function seconds(since: number): string {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcore-services-'));
	const problems: string[] = [];
	let redis: RedisInstance | undefined;
	let pg: PostgresInstance | undefined;
	try {
		let t = Date.now();
		redis = await startRedis(workDir);
		console.log(`redis-server pid ${redis.pid} on ${redis.url}: started in ${seconds(t)}`);
		t = Date.now();
		pg = await startPostgres(workDir);
		console.log(
			`postgres pid ${pg.pid} on 127.0.0.1:${pg.port} (data ${pg.dataDir}): started in ${seconds(t)}`,
		);

		if (!(await redisPing(redis.port))) problems.push('redis: PING did not answer +PONG');
		else console.log('redis: PING -> +PONG');
		const out = execFileSync(
			path.join(pg.binDir, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(pg.port),
				'-U',
				pg.user,
				'-d',
				pg.database,
				'-tAc',
				'select 1',
			],
			{
				env: { ...process.env, PGPASSWORD: pg.password },
				encoding: 'utf8',
			},
		).trim();
		if (out !== '1') problems.push(`postgres: select 1 gave ${JSON.stringify(out)}`);
		else console.log('postgres: psql -U n8n select 1 -> 1');
	} catch (e) {
		problems.push((e as Error).message);
	} finally {
		const t = Date.now();
		await redis?.stop();
		await pg?.stop();
		console.log(`stopped both in ${seconds(t)}`);
	}
	for (const [name, inst] of [
		['redis', redis],
		['postgres', pg],
	] as const) {
		if (!inst) continue;
		if (groupAlive(inst.pid)) problems.push(`${name}: process group ${inst.pid} still alive`);
	}
	const ps = execFileSync('ps', ['-eo', 'pid,pgid,args'], { encoding: 'utf8' })
		.split('\n')
		.filter((l) => l.includes(workDir));
	if (ps.length) problems.push(`processes still running from ${workDir}:\n${ps.join('\n')}`);
	for (const [name, inst] of [
		['redis', redis],
		['postgres', pg],
	] as const) {
		if (inst && !(await portIsFree(inst.port)))
			problems.push(`${name}: port ${inst.port} still taken`);
	}
	if (!problems.length) fs.rmSync(workDir, { recursive: true, force: true });
	else console.log(`work folder kept: ${workDir}`);
	if (problems.length) {
		console.error(`FAILED:\n- ${problems.join('\n- ')}`);
		process.exit(1);
	}
	console.log('OK: both answered, both stopped, no process left');
}

void main();
