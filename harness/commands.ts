import { execFile, spawn, type ExecFileOptions } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';

import { say, tail } from './log';

/** Output appended to `logFile`; a note every 30 s while it runs. */
export function runLogged(
	cmd: string,
	args: string[],
	opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<void> {
	const line = `${cmd} ${args.join(' ')}`;
	const out = fs.openSync(opts.logFile, 'a');
	fs.writeSync(out, `\n$ ${line}   (cwd ${opts.cwd ?? process.cwd()})\n`);
	const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	const t0 = Date.now();
	const ticker = setInterval(
		() => say(`... still running ${cmd} ${args[0]} (${Math.round((Date.now() - t0) / 1000)} s)`),
		30_000,
	);
	return new Promise<void>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code, signal) =>
			code === 0
				? resolve()
				: reject(
						new Error(
							`${line} failed (${signal ?? `exit ${code}`}); see ${opts.logFile}:\n${tail(opts.logFile, 30)}`,
						),
					),
		);
	}).finally(() => clearInterval(ticker));
}

export async function capture(cmd: string, args: string[], opts: ExecFileOptions = {}) {
	const { stdout } = await promisify(execFile)(cmd, args, { ...opts, encoding: 'utf8' });
	return stdout;
}
