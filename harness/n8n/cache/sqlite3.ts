/** sqlite3's native module for Node 24: copied from another cached n8n with the same sqlite3, or rebuilt from source. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { capture, log, readMarker, run } from './commands';

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
		if (
			!other.startsWith('n8n-') ||
			otherDir === dir ||
			!readMarker(path.join(otherDir, '.complete'))
		)
			continue;
		const build = path.join(otherDir, 'node_modules', 'sqlite3', 'build');
		if (
			want &&
			sqlite3Version(otherDir) === want &&
			fs.existsSync(path.join(build, 'Release', 'node_sqlite3.node'))
		)
			return build;
	}
	return undefined;
}

function onPath(cmd: string): boolean {
	return (process.env.PATH ?? '')
		.split(path.delimiter)
		.some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/** sqlite3's native module is compiled from source (no prebuilt binary offline): needs make, a C++ compiler, python3. */
async function ensureBuildTools(logFile: string): Promise<void> {
	const missing = ['make', 'g++', 'python3'].filter((c) => !onPath(c));
	if (!missing.length) return;
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!asRoot || !fs.existsSync('/usr/bin/apt-get')) {
		throw new Error(
			`building sqlite3 for Node 24 needs ${missing.join(', ')}: install them (e.g. apt-get install make g++ python3)`,
		);
	}
	log(`installing build tools for sqlite3 (${missing.join(', ')}) with apt-get`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update'], { cwd: '/', env, logFile });
	await run('apt-get', ['install', '-y', '--no-install-recommends', 'make', 'g++', 'python3'], {
		cwd: '/',
		env,
		logFile,
	});
}

/** Makes `<n8nDir>/node_modules/sqlite3` load in the Node 24 of `node`. */
export async function ensureSqlite3(
	root: string,
	n8nDir: string,
	node: { binDir: string; headers: string },
	env: NodeJS.ProcessEnv,
	logFile: string,
): Promise<void> {
	const t1 = Date.now();
	const built = sqlite3BuiltElsewhere(root, n8nDir);
	if (built) {
		fs.cpSync(built, path.join(n8nDir, 'node_modules', 'sqlite3', 'build'), { recursive: true });
		log(`sqlite3 for Node 24: same version already built in ${path.relative(root, built)}, copied`);
	} else {
		await ensureBuildTools(logFile);
		await run('npm', ['rebuild', 'sqlite3'], {
			cwd: n8nDir,
			env: { ...env, npm_config_nodedir: node.headers, npm_config_ignore_scripts: 'false' },
			logFile,
		});
		log(`sqlite3 rebuilt (${Math.round((Date.now() - t1) / 1000)} s)`);
	}
	// The native module must load in Node 24, whichever way it got here.
	await capture(
		path.join(node.binDir, 'node'),
		['-e', `require(${JSON.stringify(path.join(n8nDir, 'node_modules', 'sqlite3'))})`],
		env,
	);
}
