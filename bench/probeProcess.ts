/** Runs a bench script in a fresh process (tsx) and returns the JSON line it prints last. */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { REPO } from '../harness/ourPackage';

export function runProbe<T>(script: string, args: string[]): Promise<T> {
	return new Promise((resolve, reject) => {
		const tsxCli = require.resolve('tsx/cli', { paths: [REPO] });
		const child = spawn(process.execPath, [tsxCli, path.join(REPO, 'bench', script), ...args], {
			cwd: REPO,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
		child.once('error', reject);
		child.once('exit', (code) => {
			const line = out.trim().split('\n').at(-1) ?? '';
			if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as T);
			else reject(new Error(`${script} failed (exit ${code}):\n${err}${out}`));
		});
	});
}
