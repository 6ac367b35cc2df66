/**
 * Shared pieces of the end-to-end test and `npm run n8n`: the real n8n (CLI and server) with our
 * package installed as a community package, the Gcore IAM simulator as a separate process, and
 * clean-up of everything started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { tail, type RealN8n } from './realN8n';

export const REPO = path.resolve(__dirname, '..');
export const PACKAGE_NAME = 'n8n-nodes-gcore-iam';
export const NODE_TYPE = `${PACKAGE_NAME}.gcoreIam`;
export const CREDENTIAL_TYPE = 'gcoreIamApi';
export const EXAMPLE_WORKFLOW = path.join(REPO, 'examples', 'gcore-iam-onboarding.workflow.json');

export function say(msg: string): void {
	process.stderr.write(`[e2e] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Clean-up: everything started registers a stopper; they run on exit, failure, Ctrl-C.

const stoppers: Array<{ name: string; stop: () => Promise<void> | void }> = [];

export function onCleanup(name: string, stop: () => Promise<void> | void): void {
	stoppers.push({ name, stop });
}

export async function cleanupAll(): Promise<void> {
	while (stoppers.length) {
		const s = stoppers.pop()!;
		try {
			await s.stop();
		} catch (e) {
			say(`clean-up of ${s.name} failed: ${(e as Error).message}`);
		}
	}
}

let signalled = false;
export function installSignalHandlers(): void {
	const handler = (sig: NodeJS.Signals) => {
		if (signalled) return;
		signalled = true;
		say(`${sig}: stopping everything started ...`);
		cleanupAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
	};
	process.on('SIGINT', handler);
	process.on('SIGTERM', handler);
	process.on('SIGHUP', handler);
}

/** Kill a child we spawned in its own process group (it and whatever it started), by its id. */
export async function stopProcessGroup(child: ChildProcess, name: string, graceMs = 10_000): Promise<void> {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const kill = (sig: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, sig);
		} catch {
			try {
				child.kill(sig);
			} catch {
				/* already gone */
			}
		}
	};
	kill('SIGTERM');
	const timer = setTimeout(() => {
		say(`${name} did not stop within ${graceMs / 1000} s: SIGKILL`);
		kill('SIGKILL');
	}, graceMs);
	await exited;
	clearTimeout(timer);
	// children of the group that outlived the leader
	try {
		process.kill(-child.pid!, 'SIGKILL');
	} catch {
		/* none left */
	}
}

// ---------------------------------------------------------------------------------------------

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

export function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

function npm(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
	const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, ...extraEnv }, maxBuffer: 64 << 20 });
	if (r.status !== 0) {
		throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed: ${r.signal ?? `exit ${r.status}`}\n${r.stdout}\n${r.stderr}`);
	}
	return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// Our package, as a user's n8n gets it

/** `npm run build` then `npm pack`; returns the tarball path (in outDir). */
export function buildAndPack(outDir: string): string {
	const t0 = Date.now();
	say('building the package (npm run build) ...');
	npm(['run', 'build', '--silent'], REPO);
	const out = npm(['pack', '--json', '--pack-destination', outDir], REPO);
	const info = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
	const tgz = path.join(outDir, path.basename(info[0].filename));
	say(`packed ${path.basename(tgz)} (${info[0].files.length} files, ${Math.round((Date.now() - t0) / 1000)} s)`);
	return tgz;
}

/**
 * Install the tarball the way a user does by hand: `npm install <package>` inside ~/.n8n/nodes,
 * a folder with its own package.json (n8n's GUI installer keeps the same layout:
 * nodes/node_modules/<name> plus a dependency entry in nodes/package.json).
 */
export function installPackage(userFolder: string, tgz: string): string {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
		fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	const t0 = Date.now();
	// Same switches n8n's own community package installer uses (no scripts, audit, fund or bin links).
	npm(['install', tgz, '--prefer-offline', '--audit=false', '--fund=false', '--bin-links=false', '--ignore-scripts=true', '--loglevel=error'], nodesDir);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	if (!fs.existsSync(path.join(installed, 'package.json'))) throw new Error(`${installed} missing after npm install`);
	say(`installed ${PACKAGE_NAME} into ${nodesDir} (${Math.round((Date.now() - t0) / 1000)} s)`);
	return installed;
}

// ---------------------------------------------------------------------------------------------
// The simulator, as a separate process

export interface SimulatorProcess {
	url: string;
	child: ChildProcess;
	stop(): Promise<void>;
	stats(): Promise<SimStats>;
	reset(): Promise<void>;
	post(pathname: string, body: unknown): Promise<unknown>;
}

export interface SimStats {
	requests: number;
	byEmail: Record<string, number>;
	sentByEmail: Record<string, number>;
	statusCounts?: Record<string, number>;
	log: Array<{ method: string; path: string; authorization?: string; body: unknown; status: number | string }>;
}

export async function startSimulator(logFile: string, args: string[] = []): Promise<SimulatorProcess> {
	const tsxCli = require.resolve('tsx/cli', { paths: [REPO] });
	const child = spawn(process.execPath, [tsxCli, path.join(REPO, 'simulator', 'cli.ts'), '--port', '0', ...args], {
		cwd: REPO,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const log = fs.createWriteStream(logFile, { flags: 'a' });
	child.stderr!.pipe(log);
	const url = await new Promise<string>((resolve, reject) => {
		let buf = '';
		const timer = setTimeout(() => reject(new Error(`simulator did not start within 30 s:\n${buf}`)), 30_000);
		child.stdout!.on('data', (d: Buffer) => {
			buf += d.toString();
			log.write(d);
			const m = /Gcore IAM simulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		child.once('exit', (code, sig) => {
			clearTimeout(timer);
			reject(new Error(`simulator exited (${sig ?? code}) before listening:\n${buf}\n${tail(logFile, 20)}`));
		});
	});
	child.stdout!.removeAllListeners('data');
	child.stdout!.pipe(log);
	child.removeAllListeners('exit');
	const call = async (method: string, pathname: string, body?: unknown) => {
		const res = await fetch(url + pathname, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`simulator ${method} ${pathname}: ${res.status} ${text}`);
		return text ? (JSON.parse(text) as unknown) : undefined;
	};
	const sim: SimulatorProcess = {
		url,
		child,
		stop: () => stopProcessGroup(child, 'simulator', 5000),
		stats: async () => (await call('GET', '/__sim/stats')) as SimStats,
		reset: async () => {
			await call('POST', '/__sim/reset');
		},
		post: (pathname, body) => call('POST', pathname, body),
	};
	onCleanup('simulator', sim.stop);
	return sim;
}

// ---------------------------------------------------------------------------------------------
// The real n8n

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEMO_OWNER: Owner = {
	email: 'owner@example.com',
	password: 'Gcore-IAM-demo1',
	firstName: 'Demo',
	lastName: 'Owner',
};

export interface N8nOptions {
	userFolder: string;
	port: number;
	logFile: string;
	/** default: a random key for this run */
	encryptionKey?: string;
	/** pass the caller's N8N_* / DB_* variables through (npm run n8n); the e2e starts from a clean slate */
	inheritN8nEnv?: boolean;
	/** set up this owner on `n8n start` (n8n 2.x N8N_INSTANCE_OWNER_* variables) */
	owner?: Owner;
	extraEnv?: NodeJS.ProcessEnv;
}

export class N8n {
	readonly userFolder: string;
	readonly logFile: string;
	readonly encryptionKey: string;
	readonly port: number;
	server?: ChildProcess;
	private readonly opts: N8nOptions;
	private ownerHash?: string;

	constructor(
		readonly real: RealN8n,
		opts: N8nOptions,
	) {
		this.opts = opts;
		this.userFolder = opts.userFolder;
		this.port = opts.port;
		this.logFile = opts.logFile;
		this.encryptionKey = opts.encryptionKey ?? randomBytes(24).toString('hex');
		if (opts.owner) {
			// n8n only accepts a bcrypt hash here; use n8n's own bcryptjs from the cached install.
			const load = createRequire(real.n8nBin);
			const bcrypt = load('bcryptjs') as {
				hashSync(pw: string, rounds: number): string;
			};
			this.ownerHash = bcrypt.hashSync(opts.owner.password, 10);
		}
	}

	get baseUrl(): string {
		return `http://localhost:${this.port}`;
	}

	env(): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = { ...process.env };
		for (const k of Object.keys(env)) {
			if (k.toLowerCase().startsWith('npm_')) delete env[k];
			else if (!this.opts.inheritN8nEnv && (k.startsWith('N8N_') || k.startsWith('DB_') || k.startsWith('EXECUTIONS_'))) delete env[k];
		}
		const defaults: NodeJS.ProcessEnv = {
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: 'localhost',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'info',
		};
		const forced: NodeJS.ProcessEnv = {
			PATH: `${this.real.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_PORT: String(this.port),
			NODE_ENV: 'production',
		};
		if (this.opts.owner && this.ownerHash) {
			Object.assign(forced, {
				N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
				N8N_INSTANCE_OWNER_EMAIL: this.opts.owner.email,
				N8N_INSTANCE_OWNER_FIRST_NAME: this.opts.owner.firstName,
				N8N_INSTANCE_OWNER_LAST_NAME: this.opts.owner.lastName,
				N8N_INSTANCE_OWNER_PASSWORD_HASH: this.ownerHash,
			});
		}
		for (const [k, v] of Object.entries(defaults)) if (env[k] === undefined) env[k] = v;
		return { ...env, ...forced, ...this.opts.extraEnv };
	}

	private appendLog(header: string, text: string): void {
		fs.appendFileSync(this.logFile, `\n===== ${header} =====\n${text}`);
	}

	/** One `n8n <args>` run; `retrySegv` retries once if it crashed with SIGSEGV (never on a wrong result). */
	async cli(args: string[], opts: { retrySegv?: boolean; timeoutMs?: number } = {}): Promise<CliResult> {
		const r = await this.cliOnce(args, opts.timeoutMs ?? 180_000);
		if (opts.retrySegv !== false && r.signal === 'SIGSEGV') {
			say(`n8n ${args[0]} crashed with SIGSEGV (a known rare crash of n8n here): retrying once`);
			return this.cliOnce(args, opts.timeoutMs ?? 180_000);
		}
		return r;
	}

	private cliOnce(args: string[], timeoutMs: number): Promise<CliResult> {
		const t0 = Date.now();
		return new Promise((resolve, reject) => {
			const child = spawn(this.real.nodeExe, [this.real.n8nBin, ...args], {
				cwd: this.userFolder,
				env: this.env(),
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			});
			let stdout = '';
			let stderr = '';
			child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
			child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
			const timer = setTimeout(() => {
				say(`n8n ${args.join(' ')} still running after ${timeoutMs / 1000} s: killing it`);
				void stopProcessGroup(child, `n8n ${args[0]}`, 3000);
			}, timeoutMs);
			const stop = () => stopProcessGroup(child, `n8n ${args[0]}`, 3000);
			onCleanup(`n8n ${args[0]}`, stop);
			child.on('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				const r = { code, signal, stdout, stderr, ms: Date.now() - t0 };
				this.appendLog(`n8n ${args.join(' ')} → ${signal ?? `exit ${code}`} in ${r.ms} ms`, `${stdout}\n--- stderr ---\n${stderr}`);
				resolve(r);
			});
		});
	}

	async cliOk(args: string[]): Promise<CliResult> {
		const r = await this.cli(args);
		if (r.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (${r.signal ?? `exit ${r.code}`}):\n${lastLines(r.stdout + '\n' + r.stderr, 40)}`);
		return r;
	}

	async importCredentials(creds: unknown[]): Promise<void> {
		const file = path.join(this.userFolder, `import-credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(creds, null, 2));
		await this.cliOk(['import:credentials', `--input=${file}`]);
	}

	async importWorkflow(workflow: unknown): Promise<void> {
		await this.importWorkflows([workflow]);
	}

	/** One `n8n import:workflow --separate` for all of them (each CLI start costs n8n's boot time). */
	async importWorkflows(workflows: unknown[]): Promise<void> {
		const dir = path.join(this.userFolder, `import-workflows-${Date.now()}`);
		fs.mkdirSync(dir);
		workflows.forEach((wf, i) => fs.writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(wf, null, 2)));
		await this.cliOk(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** `n8n execute --id=<id> --rawOutput`: returns the run (IRun) JSON it prints after its log lines. */
	async execute(workflowId: string): Promise<{ run: N8nRun | undefined; result: CliResult }> {
		// No automatic retry here: a re-run re-sends e-mails, the caller resets the simulator first (run.ts).
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], { retrySegv: false });
		return { run: parseRawOutput(result.stdout), result };
	}

	/** `n8n start` in the background; resolves once the REST API answers. */
	async start(readyTimeoutMs = 120_000): Promise<void> {
		const out = fs.openSync(this.logFile, 'a');
		fs.writeSync(out, `\n===== n8n start (port ${this.port}) =====\n`);
		const child = spawn(this.real.nodeExe, [this.real.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: this.env(),
			stdio: ['ignore', out, out],
			detached: true,
		});
		fs.closeSync(out);
		this.server = child;
		onCleanup('n8n start', () => this.stop());
		const t0 = Date.now();
		let exited: string | undefined;
		child.once('exit', (code, sig) => (exited = `${sig ?? `exit ${code}`}`));
		for (;;) {
			if (exited) throw new Error(`n8n start exited (${exited}) before it was ready:\n${tail(this.logFile, 40)}`);
			if (Date.now() - t0 > readyTimeoutMs) throw new Error(`n8n start not ready after ${readyTimeoutMs / 1000} s:\n${tail(this.logFile, 40)}`);
			try {
				const res = await fetch(`${this.baseUrl}/rest/settings`);
				if (res.ok) {
					const page = await fetch(`${this.baseUrl}/`);
					if (page.ok) break;
				}
			} catch {
				/* not yet */
			}
			await sleep(500);
		}
		say(`n8n is up at ${this.baseUrl} (${Math.round((Date.now() - t0) / 1000)} s)`);
	}

	async stop(): Promise<void> {
		if (this.server) await stopProcessGroup(this.server, 'n8n start', 15_000);
		this.server = undefined;
	}

	/** Logs in through n8n's REST API (as the editor does); returns the session cookie. */
	async login(owner: Owner): Promise<string> {
		const res = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!res.ok) throw new Error(`login as ${owner.email} failed: ${res.status} ${await res.text()}`);
		const cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		if (!cookie.includes('n8n-auth=')) throw new Error('login answered without an n8n-auth cookie');
		return cookie;
	}

	async rest<T>(cookie: string, method: string, pathname: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}/rest${pathname}`, {
			method,
			headers: { cookie, 'content-type': 'application/json', 'browser-id': 'gcore-e2e' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest${pathname}: ${res.status} ${text.slice(0, 500)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	logTail(lines = 60): string {
		return tail(this.logFile, lines);
	}
}

export function lastLines(text: string, n: number): string {
	return text.split('\n').slice(-n).join('\n');
}

// ---------------------------------------------------------------------------------------------
// n8n's run data

export interface N8nItem {
	json: Record<string, unknown>;
	pairedItem?: unknown;
	error?: unknown;
}
export interface N8nTaskData {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main?: Array<N8nItem[] | null> };
}
export interface N8nRun {
	status?: string;
	finished?: boolean;
	data: { resultData: { runData: Record<string, N8nTaskData[]>; error?: { message?: string } } };
}

/** `--rawOutput` prints log lines, then the run as pretty JSON: a line `{` up to the line `}`. */
export function parseRawOutput(stdout: string): N8nRun | undefined {
	const lines = stdout.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (lines[i] !== '{') continue;
		for (let j = i + 1; j < lines.length; j++) {
			if (lines[j] !== '}') continue;
			try {
				const v = JSON.parse(lines.slice(i, j + 1).join('\n')) as N8nRun;
				if (v && typeof v === 'object' && 'data' in v) return v;
			} catch {
				/* not it */
			}
			break;
		}
	}
	return undefined;
}

/** Items per output of a node's last run, e.g. outputs('Gcore IAM')[1] = items on "Already Activated". */
export function nodeOutputs(run: N8nRun, nodeName: string): N8nItem[][] {
	const tasks = run.data.resultData.runData[nodeName];
	if (!tasks?.length) return [];
	return (tasks[tasks.length - 1].data?.main ?? []).map((o) => o ?? []);
}

export function mkTemp(prefix: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---------------------------------------------------------------------------------------------
// The example workflow and its credential, ready for `n8n import:*`

export const CREDENTIAL_ID = 'gcoreIamSimCred1';
export const CREDENTIAL_NAME = 'Gcore IAM account (simulator)';
export const EXAMPLE_WORKFLOW_ID = 'gcoreIamExample1';

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{
		id: string;
		name: string;
		type: string;
		typeVersion: number;
		position: [number, number];
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
		onError?: string;
		[k: string]: unknown;
	}>;
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	[k: string]: unknown;
}

/** The example as shipped in examples/, with our workflow id and every gcoreIamApi reference pointing at `credentialId`. */
export function loadExampleWorkflow(id = EXAMPLE_WORKFLOW_ID, credentialId = CREDENTIAL_ID): WorkflowJson {
	const wf = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW, 'utf8')) as WorkflowJson;
	wf.id = id;
	let refs = 0;
	for (const node of wf.nodes) {
		const ref = node.credentials?.[CREDENTIAL_TYPE];
		if (ref) {
			node.credentials![CREDENTIAL_TYPE] = { id: credentialId, name: CREDENTIAL_NAME };
			refs++;
		}
	}
	if (!refs) throw new Error(`${EXAMPLE_WORKFLOW} has no node using a ${CREDENTIAL_TYPE} credential`);
	return wf;
}

export function credentialJson(id: string, name: string, apiKey: string, baseUrl: string): unknown {
	return { id, name, type: CREDENTIAL_TYPE, data: { apiKey, baseUrl } };
}
