/** Headless Chromium from Debian for the real-browser check; installs it with apt-get when missing. */
import { spawnSync } from 'node:child_process';
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

function sh(cmd: string, args: string[]): void {
	process.stderr.write(`[chromium] $ ${cmd} ${args.join(' ')}\n`);
	const r = spawnSync(cmd, args, {
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.signal ?? `exit ${r.status}`})`);
}

/** Returns the Chromium executable, installing the Debian package first if it is not there. */
export function ensureChromium(): string {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/apt-get')) {
		throw new Error(`${CHROMIUM} not found and apt-get is unavailable: install Chromium or set GCORE_E2E_CHROMIUM`);
	}
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const pre = asRoot ? [] : ['sudo', '-n'];
	const run = (args: string[]) => (pre.length ? sh(pre[0], [...pre.slice(1), ...args]) : sh(args[0], args.slice(1)));
	process.stderr.write(`[chromium] ${CHROMIUM} missing: installing the Debian chromium package\n`);
	run(['apt-get', 'update']);
	run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation']);
	if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} does not exist`);
	return CHROMIUM;
}

if (require.main === module) console.log(ensureChromium());
