/** Headless Chromium from Debian for the real-browser check; installs it with apt-get when missing. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export const CHROMIUM = process.env.GCORE_E2E_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

function sh(cmd: string, args: string[]): Promise<void> {
	process.stderr.write(`[chromium] $ ${cmd} ${args.join(' ')}\n`);
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (out += d.toString()));
		child.on('error', reject);
		child.on('close', (code, signal) =>
			code === 0
				? resolve()
				: reject(
						new Error(
							`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out.slice(-3000)}`,
						),
					),
		);
	});
}

/** Returns the Chromium executable, installing the Debian package first if it is not there. */
export async function ensureChromium(): Promise<string> {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/apt-get')) {
		throw new Error(
			`${CHROMIUM} not found and apt-get is unavailable: install Chromium or set GCORE_E2E_CHROMIUM`,
		);
	}
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const pre = asRoot ? [] : ['sudo', '-n'];
	const run = (args: string[]) =>
		pre.length ? sh(pre[0], [...pre.slice(1), ...args]) : sh(args[0], args.slice(1));
	const t0 = Date.now();
	process.stderr.write(`[chromium] ${CHROMIUM} missing: installing the Debian chromium package\n`);
	await run(['apt-get', 'update']);
	await run([
		'apt-get',
		'install',
		'-y',
		'--no-install-recommends',
		'chromium',
		'fonts-liberation',
	]);
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium but ${CHROMIUM} does not exist`);
	process.stderr.write(`[chromium] installed (${Math.round((Date.now() - t0) / 1000)} s)\n`);
	return CHROMIUM;
}

if (require.main === module) {
	ensureChromium().then(
		(p) => console.log(p),
		(e: Error) => {
			console.error(e.message);
			process.exit(1);
		},
	);
}
