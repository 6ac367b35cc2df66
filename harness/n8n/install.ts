/**
 * Node 24 and n8n from the npm registry, cached outside the repository (`node24/`, `n8n-<version>/`,
 * each with a `.complete` marker once usable). Why the recipe looks so: e2e/README.md "How it works".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { capture, runLogged } from '../commands';
import { say } from '../log';
import { pollUntil } from '../poll';
import { ensureDebianPackages } from '../services/apt';

/** The n8n versions `npm run test:e2e` runs on, newest first. */
export const TESTED_N8N_VERSIONS = ['2.41.1', '1.123.81'];
export const DEFAULT_N8N_VERSION = '2.41.1';

export function majorOf(version: string): number {
	return Number(version.split('.')[0]);
}

export interface RealN8n {
	/** put it first on PATH */
	nodeBinDir: string;
	nodeExe: string;
	nodeVersion: string;
	n8nDir: string;
	/** n8n's CLI entry point, run with nodeExe */
	n8nBin: string;
	n8nVersion: string;
}

export function cacheRoot(): string {
	return path.resolve(
		process.env.GCORE_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-gcore-iam'),
	);
}

function readJson<T = Record<string, string>>(file: string): T | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
	} catch {
		return undefined;
	}
}

/** `dir` as `fill` makes it in an empty folder, unless its `.complete` marker is there; returns the marker. */
async function complete(
	dir: string,
	fill: () => Promise<Record<string, string>>,
): Promise<Record<string, string>> {
	const marker = path.join(dir, '.complete');
	const done = readJson(marker);
	if (done) return done;
	const t0 = Date.now();
	say(`installing ${path.basename(dir)} from the npm registry into ${dir} (minutes)`);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const info = { ...(await fill()), at: new Date().toISOString() };
	fs.writeFileSync(marker, JSON.stringify(info));
	say(`${dir} ready (${Math.round((Date.now() - t0) / 1000)} s)`);
	return info;
}

/** npm in the cache: `binDir` first on PATH, none of the repository's npm settings (ignore-scripts, ...). */
function npmEnv(binDir: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
	};
	for (const k of Object.keys(env)) if (k.toLowerCase().startsWith('npm_')) delete env[k];
	return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
}

const installLog = (root: string) => path.join(root, 'install.log');

async function npmInstall(dir: string, pkg: object, args: string[], env: NodeJS.ProcessEnv) {
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, ...pkg }));
	const logFile = installLog(path.dirname(dir));
	await runLogged('npm', ['install', '--no-save', '--audit=false', ...args], {
		cwd: dir,
		env,
		logFile,
	});
}

async function ensureNode(root: string) {
	const dir = path.join(root, 'node24');
	const binDir = path.join(dir, 'node_modules', '.bin');
	const exe = path.join(binDir, 'node');
	const headers = path.join(
		dir,
		'node_modules/node/node_modules',
		`node-${process.platform}-${process.arch}`,
	);
	const { version } = await complete(dir, async () => {
		// The node package's preinstall script fetches the platform binary package: scripts must run here.
		await npmInstall(
			dir,
			{ name: 'gcore-e2e-node' },
			['--ignore-scripts=false', 'node@24'],
			npmEnv(''),
		);
		const version = (await capture(exe, ['--version'])).trim();
		if (!version.startsWith('v24.')) throw new Error(`expected Node 24, got ${version}`);
		if (!fs.existsSync(path.join(headers, 'include', 'node', 'node_api.h')))
			throw new Error(`Node headers missing in ${headers}`);
		return { version };
	});
	return { binDir, exe, version, headers };
}

type Node24 = Awaited<ReturnType<typeof ensureNode>>;

async function ensureN8n(root: string, version: string, node: Node24): Promise<string> {
	const dir = path.join(root, `n8n-${version}`);
	const env = npmEnv(node.binDir);
	await complete(dir, async () => {
		const overrides = majorOf(version) < 2 ? { overrides: { xlsx: '0.18.5' } } : {};
		await npmInstall(
			dir,
			{ name: 'gcore-e2e-n8n', ...overrides },
			['--ignore-scripts', `n8n@${version}`],
			env,
		);
		// sqlite3 rebuilt from source for Node 24 (no prebuilt binary offline)
		const tools = ['make', 'g++', 'python3'];
		const onPath = (c: string) =>
			(env.PATH ?? '').split(path.delimiter).some((p) => p && fs.existsSync(path.join(p, c)));
		await ensureDebianPackages(tools, () => tools.every(onPath), installLog(root));
		await runLogged('npm', ['rebuild', 'sqlite3'], {
			cwd: dir,
			env: { ...env, npm_config_nodedir: node.headers, npm_config_ignore_scripts: 'false' },
			logFile: installLog(root),
		});
		await capture(node.exe, ['-e', `require(${JSON.stringify(`${dir}/node_modules/sqlite3`)})`], {
			env,
		});
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-version-'));
		const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
		const printed = await capture(node.exe, [bin, '--version'], {
			env: { ...env, N8N_USER_FOLDER: userFolder },
		});
		fs.rmSync(userFolder, { recursive: true, force: true });
		return { version: printed.trim() };
	});
	return dir;
}

/** One install at a time in the cache (also across worktrees); the lock of a dead process is taken over. */
async function withLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
	const lock = path.join(root, '.install-lock');
	const take = async () => {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			return true;
		} catch {
			const owner = Number(readJson<number>(path.join(lock, 'pid')));
			try {
				if (owner > 0) process.kill(owner, 0);
			} catch {
				say(`removing stale install lock of dead process ${owner}`);
				fs.rmSync(lock, { recursive: true, force: true });
			}
			return undefined;
		}
	};
	await pollUntil(take, 30 * 60_000, () => `install lock ${lock} held for 30 min`, 1000);
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/** Node 24 and this n8n version in the cache (installed when missing); safe to call concurrently. */
export async function ensureRealN8n(version = DEFAULT_N8N_VERSION): Promise<RealN8n> {
	const root = cacheRoot();
	fs.mkdirSync(root, { recursive: true });
	const describe = async (): Promise<RealN8n> => {
		const node = await ensureNode(root);
		const n8nDir = await ensureN8n(root, version, node);
		const n8nPackage = path.join(n8nDir, 'node_modules', 'n8n', 'package.json');
		return {
			nodeBinDir: node.binDir,
			nodeExe: node.exe,
			nodeVersion: node.version,
			n8nDir,
			n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
			n8nVersion: readJson<{ version: string }>(n8nPackage)!.version,
		};
	};
	// A complete install is only read: no waiting while another version is being installed.
	const ready = ['node24', `n8n-${version}`].every((d) =>
		readJson(path.join(root, d, '.complete')),
	);
	return ready ? describe() : withLock(root, describe);
}

// `tsx harness/n8n/install.ts [version ...]` only fills the cache (default: every tested version).
if (require.main === module) {
	(async () => {
		for (const v of process.argv.length > 2 ? process.argv.slice(2) : TESTED_N8N_VERSIONS) {
			const r = await ensureRealN8n(v);
			console.log(`n8n ${r.n8nVersion} on Node ${r.nodeVersion}: ${r.n8nBin}`);
		}
	})().catch((e: Error) => {
		console.error(e.message);
		process.exit(1);
	});
}
