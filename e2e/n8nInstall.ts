/**
 * The real n8n on Node 24, both from the npm registry, cached outside the repository per n8n
 * version (default ~/.cache/n8n-nodes-gcore-iam, override with GCORE_E2E_CACHE):
 *
 *   <cache>/node24/             Node 24 (the `node@24` package: binary and C headers)
 *   <cache>/n8n-<version>/      one n8n install per version, `.complete` once usable
 *
 * The first call for a version takes minutes (n8n 2.41.1: about 4 min + 1.5 min sqlite3 rebuild;
 * 1.123.81: about 1 min + the rebuild); later calls find the marker and return at once. One lock
 * for the whole cache keeps installs (also from other worktrees) apart.
 *
 * Why this shape (../shared/reference/facts.md, "Running n8n here"):
 * - n8n 2.x needs Node >= 24 and 1.123 runs on it too; the machine runs Node 20.
 * - A plain `npm install n8n` fails offline (a Kafka client downloads zlib in an install script), so
 *   n8n is installed with --ignore-scripts and only sqlite3's native module is rebuilt, against the
 *   headers that come with the Node 24 package.
 * - n8n 1.x's tree fetches `xlsx` from a URL outside the registry: an npm `overrides` entry in the
 *   install folder's package.json points it at the registry's 0.18.5 (only the Spreadsheet File
 *   node uses it).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { tail } from './log';

/** The n8n versions `npm run test:e2e` runs on, newest first; GCORE_E2E_N8N_VERSIONS="a,b" overrides. */
export const TESTED_N8N_VERSIONS = ['2.41.1', '1.123.81'];
/** What `npm run n8n` and the benchmark run. */
export const DEFAULT_N8N_VERSION = '2.41.1';
const NODE_SPEC = '24';

export function n8nVersionsToTest(): string[] {
	const v = process.env.GCORE_E2E_N8N_VERSIONS;
	return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : TESTED_N8N_VERSIONS;
}

export function majorOf(version: string): number {
	return Number(version.split('.')[0]);
}

/** npm `overrides` the install of this n8n version needs (see the header). */
function overridesFor(version: string): Record<string, string> | undefined {
	return majorOf(version) < 2 ? { xlsx: '0.18.5' } : undefined;
}

export interface RealN8n {
	cacheDir: string;
	/** folder holding the Node 24 `node` executable; put it first on PATH */
	nodeBinDir: string;
	nodeExe: string;
	nodeVersion: string;
	/** the install folder; n8n's own packages are under its node_modules */
	n8nDir: string;
	/** n8n's CLI entry point, run it with nodeExe */
	n8nBin: string;
	n8nVersion: string;
}

export function cacheRoot(): string {
	return path.resolve(process.env.GCORE_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-gcore-iam'));
}

function log(msg: string): void {
	process.stderr.write(`[real-n8n] ${msg}\n`);
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string }): Promise<void> {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(opts.logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}   (cwd ${opts.cwd})\n`);
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', out, out] });
		const started = Date.now();
		const ticker = setInterval(() => log(`  ... still running ${cmd} ${args[0]} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
		child.on('error', (e) => {
			clearInterval(ticker);
			fs.closeSync(out);
			reject(e);
		});
		child.on('exit', (code, signal) => {
			clearInterval(ticker);
			fs.closeSync(out);
			if (code === 0) resolve();
			else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}); see ${opts.logFile}:\n${tail(opts.logFile, 30)}`));
		});
	});
}

function pathWith(binDir: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` };
	// Settings meant for the repository (ignore-scripts etc.) must not leak into the cache installs.
	for (const k of Object.keys(env)) if (k.toLowerCase().startsWith('npm_')) delete env[k];
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return env;
}

function readMarker(file: string): Record<string, string> | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
	} catch {
		return undefined;
	}
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
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
			if (Date.now() - started > 30 * 60_000) throw new Error(`install lock ${lock} held for 30 min`);
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

async function ensureNode(root: string): Promise<{ binDir: string; exe: string; version: string; headers: string }> {
	const dir = path.join(root, `node${NODE_SPEC}`);
	const marker = path.join(dir, '.complete');
	const binDir = path.join(dir, 'node_modules', '.bin');
	const exe = path.join(binDir, 'node');
	const headers = path.join(dir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
	const done = readMarker(marker);
	if (done && fs.existsSync(exe)) return { binDir, exe, version: done.version, headers };

	const t0 = Date.now();
	log(`installing Node ${NODE_SPEC} from the npm registry (node@${NODE_SPEC}) into ${dir}`);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'gcore-e2e-node', private: true }, null, 2));
	const logFile = path.join(root, 'install.log');
	// The node package's preinstall script fetches the platform binary package: scripts must run here.
	await run('npm', ['install', '--no-save', '--ignore-scripts=false', `node@${NODE_SPEC}`], { cwd: dir, env: pathWith(''), logFile });
	const version = await capture(exe, ['--version']);
	if (!version.startsWith(`v${NODE_SPEC}.`)) throw new Error(`expected Node ${NODE_SPEC}, got ${version}`);
	if (!fs.existsSync(path.join(headers, 'include', 'node', 'node_api.h'))) throw new Error(`Node headers missing in ${headers}`);
	fs.writeFileSync(marker, JSON.stringify({ version, at: new Date().toISOString() }));
	log(`Node ${version} ready (${Math.round((Date.now() - t0) / 1000)} s)`);
	return { binDir, exe, version, headers };
}

function capture(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}\n${err}`))));
	});
}

async function ensureN8n(root: string, version: string, node: { binDir: string; headers: string }): Promise<string> {
	const dir = path.join(root, `n8n-${version}`);
	const marker = path.join(dir, '.complete');
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (readMarker(marker) && fs.existsSync(bin)) return dir;

	const logFile = path.join(root, 'install.log');
	const env = pathWith(node.binDir);
	const t0 = Date.now();
	if (fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'package.json')) && readMarker(path.join(dir, '.installed'))) {
		log(`n8n ${version} packages already present, only the sqlite3 rebuild is left`);
	} else {
		log(`installing n8n ${version} into ${dir} with Node ${NODE_SPEC} (minutes, ~2,400 packages, ~3 GB; log: ${logFile})`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const overrides = overridesFor(version);
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'gcore-e2e-n8n', private: true, ...(overrides && { overrides }) }, null, 2));
		await run('npm', ['install', '--ignore-scripts', '--no-save', `n8n@${version}`], { cwd: dir, env, logFile });
		fs.writeFileSync(path.join(dir, '.installed'), JSON.stringify({ at: new Date().toISOString(), ms: Date.now() - t0 }));
		log(`n8n ${version} packages installed (${Math.round((Date.now() - t0) / 1000)} s); rebuilding sqlite3 for Node ${NODE_SPEC}`);
	}
	const t1 = Date.now();
	const built = sqlite3BuiltElsewhere(root, dir);
	if (built) {
		fs.cpSync(built, path.join(dir, 'node_modules', 'sqlite3', 'build'), { recursive: true });
		log(`sqlite3 for Node ${NODE_SPEC}: same version already built in ${path.relative(root, built)}, copied`);
	} else {
		await ensureBuildTools(logFile);
		await run('npm', ['rebuild', 'sqlite3'], {
			cwd: dir,
			env: { ...env, npm_config_nodedir: node.headers, npm_config_ignore_scripts: 'false' },
			logFile,
		});
		log(`sqlite3 rebuilt (${Math.round((Date.now() - t1) / 1000)} s)`);
	}
	// The native module must load in Node 24, whichever way it got here.
	await capture(path.join(node.binDir, 'node'), ['-e', `require(${JSON.stringify(path.join(dir, 'node_modules', 'sqlite3'))})`], env);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-version-'));
	const printed = await capture(path.join(node.binDir, 'node'), [bin, '--version'], { ...env, N8N_USER_FOLDER: userFolder });
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.writeFileSync(marker, JSON.stringify({ version: printed, at: new Date().toISOString(), rebuildMs: Date.now() - t1 }));
	log(`n8n ${printed} ready in ${dir} (${Math.round((Date.now() - t0) / 1000)} s)`);
	return dir;
}

function sqlite3Version(n8nDir: string): string | undefined {
	return readMarker(path.join(n8nDir, 'node_modules', 'sqlite3', 'package.json'))?.version;
}

/**
 * The sqlite3 build folder of another complete n8n in the cache with the same sqlite3 version
 * (2.41.1 and 1.123.81 both use 5.1.7): built for the same Node 24, so the rebuild (minutes) can be
 * skipped.
 */
function sqlite3BuiltElsewhere(root: string, dir: string): string | undefined {
	const want = sqlite3Version(dir);
	for (const other of fs.readdirSync(root)) {
		const otherDir = path.join(root, other);
		if (!other.startsWith('n8n-') || otherDir === dir || !readMarker(path.join(otherDir, '.complete'))) continue;
		const build = path.join(otherDir, 'node_modules', 'sqlite3', 'build');
		if (want && sqlite3Version(otherDir) === want && fs.existsSync(path.join(build, 'Release', 'node_sqlite3.node'))) return build;
	}
	return undefined;
}

function onPath(cmd: string): boolean {
	return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/** sqlite3's native module is compiled from source (no prebuilt binary offline): needs make, a C++ compiler, python3. */
async function ensureBuildTools(logFile: string): Promise<void> {
	const missing = ['make', 'g++', 'python3'].filter((c) => !onPath(c));
	if (!missing.length) return;
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!asRoot || !fs.existsSync('/usr/bin/apt-get')) {
		throw new Error(`building sqlite3 for Node 24 needs ${missing.join(', ')}: install them (e.g. apt-get install make g++ python3)`);
	}
	log(`installing build tools for sqlite3 (${missing.join(', ')}) with apt-get`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update'], { cwd: '/', env, logFile });
	await run('apt-get', ['install', '-y', '--no-install-recommends', 'make', 'g++', 'python3'], { cwd: '/', env, logFile });
}

/** Make sure Node 24 and this n8n version are in the cache; returns how to run them. Idempotent and safe to call concurrently. */
export async function ensureRealN8n(version = DEFAULT_N8N_VERSION): Promise<RealN8n> {
	const root = cacheRoot();
	fs.mkdirSync(root, { recursive: true });
	const t0 = Date.now();
	const describe = async (): Promise<RealN8n> => {
		const node = await ensureNode(root);
		const dir = await ensureN8n(root, version, node);
		const n8nVersion = (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version: string }).version;
		return {
			cacheDir: root,
			nodeBinDir: node.binDir,
			nodeExe: node.exe,
			nodeVersion: node.version,
			n8nDir: dir,
			n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
			n8nVersion,
		};
	};
	// A complete install is only read: no need to wait while another version is being installed.
	if (readMarker(path.join(root, `node${NODE_SPEC}`, '.complete')) && readMarker(path.join(root, `n8n-${version}`, '.complete'))) return describe();
	return withLock(root, async () => {
		const real = await describe();
		log(`cache for n8n ${version} ready after ${Math.round((Date.now() - t0) / 1000)} s`);
		return real;
	});
}

// `tsx e2e/n8nInstall.ts [version ...]` only fills the cache (default: every tested version).
if (require.main === module) {
	const versions = process.argv.length > 2 ? process.argv.slice(2) : n8nVersionsToTest();
	(async () => {
		for (const v of versions) {
			const r = await ensureRealN8n(v);
			console.log(`n8n ${r.n8nVersion} on Node ${r.nodeVersion}: ${r.n8nBin}`);
		}
	})().catch((e: Error) => {
		console.error(e.message);
		process.exit(1);
	});
}
