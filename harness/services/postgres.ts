/**
 * Our own PostgreSQL for n8n's queue mode: Debian's postgresql (15; installed when missing), a
 * fresh cluster (initdb) in a data folder under the caller's work folder, run by the `postgres`
 * user (PostgreSQL refuses root) on 127.0.0.1 and a free port, with its socket in the work folder
 * too. It holds a database `n8n` owned by the login `n8n` (password auth over TCP). stop() ends the
 * server and its backends; no system cluster or service is touched.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ensureDebianPackages } from './apt';
import { freePort } from '../ports';
import { startDaemon, waitUntilAnswers } from './daemon';
import type { Service } from './service';

const PG_ROOT = '/usr/lib/postgresql';
const RUN_AS = 'postgres';

export interface PostgresInstance extends Service {
	host: '127.0.0.1';
	port: number;
	database: string;
	user: string;
	password: string;
	/** postgres://user:password@127.0.0.1:port/database */
	url: string;
	/** folder of the server's Unix socket (admin access as the superuser `postgres`, no password) */
	socketDir: string;
	dataDir: string;
	/** psql, pg_isready, ... of the same version */
	binDir: string;
	pid: number;
	logFile: string;
	/** One SQL statement as the superuser over the socket; rows of tab-separated fields. */
	query(sql: string): Promise<string[][]>;
	stop(): Promise<void>;
}

/** The newest installed server's bin folder, e.g. /usr/lib/postgresql/15/bin; undefined when none. */
function serverBinDir(): string | undefined {
	if (!fs.existsSync(PG_ROOT)) return undefined;
	const versions = fs
		.readdirSync(PG_ROOT)
		.filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(PG_ROOT, versions[0], 'bin') : undefined;
}

/** uid/gid of the user that runs the server: `postgres` when we are root, else ourselves. */
function serverUser(): { uid?: number; gid?: number } {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${RUN_AS}:`));
	if (!line) throw new Error(`user ${RUN_AS} missing (the postgresql package creates it)`);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

function run(
	cmd: string,
	args: string[],
	opts: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(
			cmd,
			args,
			{ ...opts, encoding: 'utf8', maxBuffer: 16 << 20 },
			(err, stdout, stderr) => {
				if (err)
					reject(
						new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${err.message}\n${stderr}`),
					);
				else resolve(stdout);
			},
		);
	});
}

/** The server user must be able to walk into the work folder; give it search (x) access there. */
function letServerUserIn(workDir: string, owner: { uid?: number; gid?: number }): void {
	if (owner.uid === undefined) return;
	const mode = fs.statSync(workDir).mode;
	if ((mode & 0o001) === 0) fs.chmodSync(workDir, (mode & 0o7777) | 0o001);
	for (let dir = path.dirname(workDir); ; dir = path.dirname(dir)) {
		if ((fs.statSync(dir).mode & 0o001) === 0) {
			throw new Error(
				`${dir} is not searchable by the ${RUN_AS} user, so PostgreSQL cannot reach ${workDir}: use a work folder under /tmp`,
			);
		}
		if (dir === path.dirname(dir)) break;
	}
}

export async function startPostgres(workDir: string): Promise<PostgresInstance> {
	const logFile = path.join(workDir, 'postgres.log');
	await ensureDebianPackages(
		['postgresql'],
		() => serverBinDir() !== undefined,
		path.join(workDir, 'apt.log'),
	);
	const binDir = serverBinDir()!;
	const owner = serverUser();

	const base = path.join(workDir, 'postgres');
	const dataDir = path.join(base, 'data');
	const socketDir = path.join(base, 'run');
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	fs.mkdirSync(socketDir, { recursive: true });
	letServerUserIn(workDir, owner);
	if (owner.uid !== undefined)
		for (const d of [base, dataDir, socketDir]) fs.chownSync(d, owner.uid, owner.gid!);
	fs.chmodSync(dataDir, 0o700);

	const password = randomBytes(12).toString('hex');
	const pwFile = path.join(base, 'superuser-password');
	fs.writeFileSync(pwFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
	if (owner.uid !== undefined) fs.chownSync(pwFile, owner.uid, owner.gid!);
	// A throw-away cluster: no fsync (initdb --no-sync, fsync=off below) keeps it fast.
	await run(
		path.join(binDir, 'initdb'),
		[
			'-D',
			dataDir,
			'-U',
			'postgres',
			`--pwfile=${pwFile}`,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'--encoding=UTF8',
			'--no-locale',
			'--no-sync',
		],
		{ ...owner, cwd: base },
	);
	fs.rmSync(pwFile);

	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		const daemon = startDaemon(
			'postgres',
			path.join(binDir, 'postgres'),
			[
				'-D',
				dataDir,
				'-p',
				String(port),
				'-k',
				socketDir,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
			],
			logFile,
			{ ...owner, cwd: base },
		);
		try {
			await waitUntilAnswers(
				daemon,
				() =>
					run(path.join(binDir, 'pg_isready'), ['-q', '-h', socketDir, '-p', String(port)]).then(
						() => true,
					),
				30_000,
			);
		} catch (e) {
			await daemon.stop('SIGKILL', 1000);
			if (attempt < 3) continue;
			throw e;
		}
		// SIGINT is PostgreSQL's "fast" shutdown: it ends open sessions (SIGTERM would wait for them).
		const stop = () => daemon.stop('SIGINT', 20_000);
		try {
			await run(
				path.join(binDir, 'psql'),
				[
					'-h',
					socketDir,
					'-p',
					String(port),
					'-U',
					'postgres',
					'-d',
					'postgres',
					'-v',
					'ON_ERROR_STOP=1',
					'-q',
					'-c',
					`CREATE ROLE n8n LOGIN PASSWORD '${password}'`,
					'-c',
					'CREATE DATABASE n8n OWNER n8n',
				],
				{ ...owner, cwd: base },
			);
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
			host: '127.0.0.1',
			port,
			database: 'n8n',
			user: 'n8n',
			password,
			url: `postgres://n8n:${password}@127.0.0.1:${port}/n8n`,
			socketDir,
			dataDir,
			binDir,
			pid: daemon.pid,
			logFile,
			query: async (sql) =>
				(
					await run(
						path.join(binDir, 'psql'),
						[
							'-h',
							socketDir,
							'-p',
							String(port),
							'-U',
							'postgres',
							'-d',
							'n8n',
							'-v',
							'ON_ERROR_STOP=1',
							'-tA',
							'-F',
							'\t',
							'-c',
							sql,
						],
						{ ...owner, cwd: base },
					)
				)
					.split('\n')
					.filter(Boolean)
					.map((line) => line.split('\t')),
			stop,
		};
	}
}
