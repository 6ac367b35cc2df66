/**
 * The Gcore IAM simulator in its own process (spawned through tsx), so that its CPU never
 * competes with the client being measured on the same event loop. Controlled over its
 * /__sim/ API on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

import type { SimUser, SimulatorOptions, SimulatorStats } from '../simulator';

export const REPO = path.resolve(__dirname, '..');

export interface SimulatorProcess {
	url: string;
	pid: number;
	/** Counters back to zero, then these settings (latency, rate limit, users). */
	prepare(settings: Partial<SimulatorOptions> & { users: SimUser[] }): Promise<void>;
	stats(): Promise<Omit<SimulatorStats, 'log'>>;
	stop(): Promise<void>;
}

export async function startSimulatorProcess(): Promise<SimulatorProcess> {
	const tsxCli = require.resolve('tsx/cli', { paths: [REPO] });
	const child = spawn(process.execPath, [tsxCli, path.join(REPO, 'simulator', 'cli.ts'), '--port', '0', '--no-log'], {
		cwd: REPO,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const url = await listeningUrl(child);
	const call = (method: string, pathname: string, body?: unknown) => control(url, method, pathname, body);
	return {
		url,
		pid: child.pid ?? 0,
		async prepare({ users, ...settings }) {
			await call('POST', '/__sim/reset');
			await call('POST', '/__sim/config', { logRequests: false, ...settings });
			await call('POST', '/__sim/users', users);
		},
		async stats() {
			const stats = (await call('GET', '/__sim/stats')) as Partial<SimulatorStats>;
			delete stats.log;
			return stats as Omit<SimulatorStats, 'log'>;
		},
		stop: () => stopChild(child),
	};
}

function listeningUrl(child: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		const timer = setTimeout(() => fail(new Error('the simulator did not start within 30 s')), 30_000);
		const fail = (error: Error) => {
			clearTimeout(timer);
			child.kill('SIGKILL');
			reject(new Error(`${error.message}\n${out}${err}`));
		};
		child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /^Gcore IAM simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
			if (match) {
				clearTimeout(timer);
				child.stdout?.removeAllListeners('data');
				child.stdout?.resume();
				resolve(match[1]);
			}
		});
		child.once('exit', (code, signal) => fail(new Error(`the simulator exited (${signal ?? code}) before listening`)));
	});
}

async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.removeAllListeners('exit');
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await exited;
	clearTimeout(timer);
}

/**
 * One control call on a connection of its own (no keep-alive: a pooled socket that the
 * simulator closed while a long run kept us busy would fail the next call).
 */
function control(url: string, method: string, pathname: string, body?: unknown): Promise<unknown> {
	const payload = body === undefined ? undefined : JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(
			`${url}${pathname}`,
			{ method, agent: false, headers: payload === undefined ? {} : { 'content-type': 'application/json' } },
			(response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (text += chunk));
				response.once('end', () => {
					if ((response.statusCode ?? 0) >= 300) reject(new Error(`simulator ${method} ${pathname}: ${response.statusCode} ${text}`));
					else resolve(text ? JSON.parse(text) : undefined);
				});
				response.once('error', reject);
			},
		);
		request.once('error', reject);
		request.end(payload);
	});
}
