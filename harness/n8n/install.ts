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
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { capture, log, pathWith, readMarker, run } from './cache/commands';
import { withLock } from './cache/lock';
import { ensureSqlite3 } from './cache/sqlite3';

/** The n8n versions `npm run test:e2e` runs on, newest first; GCORE_E2E_N8N_VERSIONS="a,b" overrides. */
export const TESTED_N8N_VERSIONS = ['2.41.1', '1.123.81'];
/** What `npm run n8n` and the benchmark run. */
export const DEFAULT_N8N_VERSION = '2.41.1';
const NODE_SPEC = '24';

export function n8nVersionsToTest(): string[] {
	const v = process.env.GCORE_E2E_N8N_VERSIONS;
	return v
		? v
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: TESTED_N8N_VERSIONS;
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
	return path.resolve(
		process.env.GCORE_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-gcore-iam'),
	);
}

async function ensureNode(
	root: string,
): Promise<{ binDir: string; exe: string; version: string; headers: string }> {
	const dir = path.join(root, `node${NODE_SPEC}`);
	const marker = path.join(dir, '.complete');
	const binDir = path.join(dir, 'node_modules', '.bin');
	const exe = path.join(binDir, 'node');
	const headers = path.join(
		dir,
		'node_modules',
		'node',
		'node_modules',
		`node-${process.platform}-${process.arch}`,
	);
	const done = readMarker(marker);
	if (done && fs.existsSync(exe)) return { binDir, exe, version: done.version, headers };

	const t0 = Date.now();
	log(`installing Node ${NODE_SPEC} from the npm registry (node@${NODE_SPEC}) into ${dir}`);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: 'gcore-e2e-node', private: true }, null, 2),
	);
	const logFile = path.join(root, 'install.log');
	// The node package's preinstall script fetches the platform binary package: scripts must run here.
	await run('npm', ['install', '--no-save', '--ignore-scripts=false', `node@${NODE_SPEC}`], {
		cwd: dir,
		env: pathWith(''),
		logFile,
	});
	const version = await capture(exe, ['--version']);
	if (!version.startsWith(`v${NODE_SPEC}.`))
		throw new Error(`expected Node ${NODE_SPEC}, got ${version}`);
	if (!fs.existsSync(path.join(headers, 'include', 'node', 'node_api.h')))
		throw new Error(`Node headers missing in ${headers}`);
	fs.writeFileSync(marker, JSON.stringify({ version, at: new Date().toISOString() }));
	log(`Node ${version} ready (${Math.round((Date.now() - t0) / 1000)} s)`);
	return { binDir, exe, version, headers };
}

async function ensureN8n(
	root: string,
	version: string,
	node: { binDir: string; headers: string },
): Promise<string> {
	const dir = path.join(root, `n8n-${version}`);
	const marker = path.join(dir, '.complete');
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (readMarker(marker) && fs.existsSync(bin)) return dir;

	const logFile = path.join(root, 'install.log');
	const env = pathWith(node.binDir);
	const t0 = Date.now();
	if (
		fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'package.json')) &&
		readMarker(path.join(dir, '.installed'))
	) {
		log(`n8n ${version} packages already present, only the sqlite3 step is left`);
	} else {
		log(
			`installing n8n ${version} into ${dir} with Node ${NODE_SPEC} (minutes, ~2,400 packages, ~3 GB; log: ${logFile})`,
		);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const overrides = overridesFor(version);
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(
				{ name: 'gcore-e2e-n8n', private: true, ...(overrides && { overrides }) },
				null,
				2,
			),
		);
		await run('npm', ['install', '--ignore-scripts', '--no-save', `n8n@${version}`], {
			cwd: dir,
			env,
			logFile,
		});
		fs.writeFileSync(
			path.join(dir, '.installed'),
			JSON.stringify({ at: new Date().toISOString(), ms: Date.now() - t0 }),
		);
		log(
			`n8n ${version} packages installed (${Math.round((Date.now() - t0) / 1000)} s); rebuilding sqlite3 for Node ${NODE_SPEC}`,
		);
	}
	const t1 = Date.now();
	await ensureSqlite3(root, dir, node, env, logFile);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-version-'));
	const printed = await capture(path.join(node.binDir, 'node'), [bin, '--version'], {
		...env,
		N8N_USER_FOLDER: userFolder,
	});
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.writeFileSync(
		marker,
		JSON.stringify({ version: printed, at: new Date().toISOString(), sqlite3Ms: Date.now() - t1 }),
	);
	log(`n8n ${printed} ready in ${dir} (${Math.round((Date.now() - t0) / 1000)} s)`);
	return dir;
}

/** Make sure Node 24 and this n8n version are in the cache; returns how to run them. Idempotent and safe to call concurrently. */
export async function ensureRealN8n(version = DEFAULT_N8N_VERSION): Promise<RealN8n> {
	const root = cacheRoot();
	fs.mkdirSync(root, { recursive: true });
	const t0 = Date.now();
	const describe = async (): Promise<RealN8n> => {
		const node = await ensureNode(root);
		const dir = await ensureN8n(root, version, node);
		const n8nVersion = (
			JSON.parse(
				fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'),
			) as { version: string }
		).version;
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
	if (
		readMarker(path.join(root, `node${NODE_SPEC}`, '.complete')) &&
		readMarker(path.join(root, `n8n-${version}`, '.complete'))
	)
		return describe();
	return withLock(root, async () => {
		const real = await describe();
		log(`cache for n8n ${version} ready after ${Math.round((Date.now() - t0) / 1000)} s`);
		return real;
	});
}

// `tsx harness/n8n/install.ts [version ...]` only fills the cache (default: every tested version).
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
