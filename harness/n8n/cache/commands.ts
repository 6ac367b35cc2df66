/** Running the installs of the cache: commands with their output in the install log, markers, npm's environment. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { tail } from '../../log';

export function log(msg: string): void {
	process.stderr.write(`[real-n8n] ${msg}\n`);
}

export function run(
	cmd: string,
	args: string[],
	opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<void> {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(opts.logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}   (cwd ${opts.cwd})\n`);
		const child = spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env ?? process.env,
			stdio: ['ignore', out, out],
		});
		const started = Date.now();
		const ticker = setInterval(
			() =>
				log(
					`  ... still running ${cmd} ${args[0]} (${Math.round((Date.now() - started) / 1000)} s)`,
				),
			30_000,
		);
		child.on('error', (e) => {
			clearInterval(ticker);
			fs.closeSync(out);
			reject(e);
		});
		child.on('exit', (code, signal) => {
			clearInterval(ticker);
			fs.closeSync(out);
			if (code === 0) resolve();
			else
				reject(
					new Error(
						`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}); see ${opts.logFile}:\n${tail(opts.logFile, 30)}`,
					),
				);
		});
	});
}

/** The environment for npm in the cache: `binDir` first on PATH, none of the repository's npm settings. */
export function pathWith(binDir: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
	};
	// Settings meant for the repository (ignore-scripts etc.) must not leak into the cache installs.
	for (const k of Object.keys(env)) if (k.toLowerCase().startsWith('npm_')) delete env[k];
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return env;
}

export function readMarker(file: string): Record<string, string> | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
	} catch {
		return undefined;
	}
}

export function capture(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolve(out.trim())
				: reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}\n${err}`)),
		);
	});
}
