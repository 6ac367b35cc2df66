/**
 * Our own PostgreSQL for n8n's queue mode: Debian's postgresql (installed when missing), a fresh
 * cluster (initdb) under the caller's work folder, run by the `postgres` user when we are root
 * (PostgreSQL refuses root) on 127.0.0.1 and a free port, its socket in the work folder too. It
 * holds a database `n8n` owned by the login `n8n` (password auth over TCP). No system cluster or
 * service is touched.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { capture } from '../commands';
import { ensureDebianPackages } from './apt';
import { startOnFreePort } from './daemon';
import type { Service } from './service';

const PG_ROOT = '/usr/lib/postgresql';

export interface PostgresInstance extends Service {
	port: number;
	/** One SQL statement as the superuser over the socket; rows of tab-separated fields. */
	query(sql: string): Promise<string[][]>;
}

/** The newest installed server's bin folder; undefined when none. */
function serverBinDir(): string | undefined {
	const versions = fs.existsSync(PG_ROOT) ? fs.readdirSync(PG_ROOT) : [];
	const found = versions
		.filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return found.length ? path.join(PG_ROOT, found[0], 'bin') : undefined;
}

/** uid/gid of the `postgres` user when we are root, else nothing (we run it ourselves). */
function serverUser(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error('user postgres missing (the postgresql package creates it)');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** The server user must be able to walk into the work folder: give others search (x) access there. */
function letServerUserIn(workDir: string): void {
	fs.chmodSync(workDir, (fs.statSync(workDir).mode & 0o7777) | 0o001);
	for (let dir = path.dirname(workDir); dir !== path.dirname(dir); dir = path.dirname(dir))
		if ((fs.statSync(dir).mode & 0o001) === 0)
			throw new Error(`${dir} is not searchable by user postgres: use a work folder under /tmp`);
}

export async function startPostgres(workDir: string): Promise<PostgresInstance> {
	const ready = () => serverBinDir() !== undefined;
	await ensureDebianPackages(['postgresql'], ready, path.join(workDir, 'apt.log'));
	const binDir = serverBinDir()!;
	const owner = serverUser();
	const base = path.join(workDir, 'postgres');
	const dataDir = path.join(base, 'data');
	const socketDir = path.join(base, 'run');
	const pwFile = path.join(base, 'superuser-password');
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	fs.mkdirSync(socketDir, { recursive: true });
	fs.writeFileSync(pwFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
	if (owner.uid !== undefined) {
		letServerUserIn(workDir);
		for (const f of [base, dataDir, socketDir, pwFile]) fs.chownSync(f, owner.uid, owner.gid!);
	}
	const run = (cmd: string, args: string[]) =>
		capture(path.join(binDir, cmd), args, { ...owner, cwd: base });
	const words = (s: string) => s.split(' ');
	// A throw-away cluster: no fsync (initdb --no-sync, fsync=off below) keeps it fast.
	const auth = '--auth-local=trust --auth-host=scram-sha-256';
	await run(
		'initdb',
		words(`-D ${dataDir} -U postgres --pwfile=${pwFile} ${auth} -E UTF8 --no-locale --no-sync`),
	);
	fs.rmSync(pwFile);

	const password = randomBytes(12).toString('hex');
	const settings =
		'-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
	const { port, stop } = await startOnFreePort({
		name: 'postgres',
		cmd: path.join(binDir, 'postgres'),
		args: (p) => words(`-D ${dataDir} -p ${p} -k ${socketDir} ${settings}`),
		logFile: path.join(workDir, 'postgres.log'),
		spawn: { ...owner, cwd: base },
		probe: (p) => run('pg_isready', words(`-q -h ${socketDir} -p ${p}`)).then(() => true as const),
		timeoutMs: 30_000,
		// PostgreSQL's "fast" shutdown: it ends open sessions (SIGTERM would wait for them).
		stopSignal: 'SIGINT',
	});
	const psql = (db: string, sql: string) =>
		run('psql', [
			...words(`-h ${socketDir} -p ${port} -U postgres -d ${db} -v ON_ERROR_STOP=1 -tA -F`),
			'\t',
			'-c',
			sql,
		]);
	try {
		await psql('postgres', `CREATE ROLE n8n LOGIN PASSWORD '${password}'`);
		await psql('postgres', 'CREATE DATABASE n8n OWNER n8n');
	} catch (e) {
		await stop();
		throw e;
	}
	return {
		name: 'postgres',
		n8nEnv: () => ({
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: password,
		}),
		port,
		query: async (sql) =>
			(await psql('n8n', sql))
				.split('\n')
				.filter(Boolean)
				.map((line) => line.split('\t')),
		stop,
	};
}
