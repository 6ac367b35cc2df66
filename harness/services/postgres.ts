/**
 * Own PostgreSQL for n8n's queue mode: Debian's postgresql, a throw-away cluster under the work
 * folder (run as user postgres when we are root: it refuses root), database and login `n8n`.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { capture } from '../commands';
import { ensureDebianPackages } from './apt';
import { startOnFreePort, type Service } from './daemon';

const PG_ROOT = '/usr/lib/postgresql';

export interface PostgresInstance extends Service {
	/** One SQL statement as the superuser over the socket; rows of fields. */
	query(sql: string): Promise<string[][]>;
}

function serverBinDir(): string | undefined {
	const versions = fs.existsSync(PG_ROOT) ? fs.readdirSync(PG_ROOT) : [];
	const found = versions
		.filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return found.length ? path.join(PG_ROOT, found[0], 'bin') : undefined;
}

async function serverUser(): Promise<{ uid?: number; gid?: number }> {
	if (process.getuid?.() !== 0) return {};
	const id = async (flag: string) => Number(await capture('id', [flag, 'postgres']));
	return { uid: await id('-u'), gid: await id('-g') };
}

export async function startPostgres(workDir: string): Promise<PostgresInstance> {
	const ready = () => serverBinDir() !== undefined;
	await ensureDebianPackages(['postgresql'], ready, path.join(workDir, 'apt.log'));
	const binDir = serverBinDir()!;
	const owner = await serverUser();
	const base = path.join(workDir, 'postgres');
	const dataDir = path.join(base, 'data');
	const socketDir = path.join(base, 'run');
	const pwFile = path.join(base, 'superuser-password');
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	fs.mkdirSync(socketDir, { recursive: true });
	fs.writeFileSync(pwFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
	if (owner.uid !== undefined) {
		// the server user must be able to walk into the work folder (under /tmp)
		fs.chmodSync(workDir, (fs.statSync(workDir).mode & 0o7777) | 0o001);
		for (const f of [base, dataDir, socketDir, pwFile]) fs.chownSync(f, owner.uid, owner.gid!);
	}
	const run = (cmd: string, args: string[]) =>
		capture(path.join(binDir, cmd), args, { ...owner, cwd: base });
	const words = (s: string) => s.split(' ');
	// Throw-away: no fsync (--no-sync, fsync=off) keeps it fast.
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
		// "fast" shutdown: ends open sessions (SIGTERM would wait for them)
		stopSignal: 'SIGINT',
	});
	const psql = (db: string, sql: string) =>
		run('psql', [
			...words(`-h ${socketDir} -p ${port} -U postgres -d ${db} -v ON_ERROR_STOP=1 -tA -F`),
			'\t',
			'-c',
			sql,
		]);
	await psql('postgres', `CREATE ROLE n8n LOGIN PASSWORD '${password}'`);
	await psql('postgres', 'CREATE DATABASE n8n OWNER n8n');
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
