/** One n8n installation: user folder, key, port, log file, and the environment of its every n8n process. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { freePort } from '../ports';
import { majorOf, type RealN8n } from './install';
import type { Service } from '../services/daemon';
import { ownerEnv, type Owner } from './owner';

export interface N8nOptions {
	userFolder: string;
	logFile: string;
	port?: number;
	encryptionKey?: string;
	/** keep the caller's N8N_* / DB_* variables (npm run n8n) */
	inheritN8nEnv?: boolean;
	owner?: Owner;
	services?: Service[];
	extraEnv?: NodeJS.ProcessEnv;
}

export class N8nInstance {
	private constructor(
		readonly real: RealN8n,
		readonly opts: N8nOptions,
		readonly port: number,
		readonly encryptionKey: string,
		private readonly fixedEnv: NodeJS.ProcessEnv,
	) {}

	static async create(real: RealN8n, opts: N8nOptions): Promise<N8nInstance> {
		fs.mkdirSync(opts.userFolder, { recursive: true });
		const port = opts.port ?? (await freePort());
		const encryptionKey = opts.encryptionKey ?? randomBytes(24).toString('hex');
		const fixedEnv: NodeJS.ProcessEnv = {
			// other n8n processes on this machine hold the task broker's default port 5679
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			...(opts.owner ? ownerEnv(real, opts.owner) : {}),
		};
		return new N8nInstance(real, opts, port, encryptionKey, fixedEnv);
	}

	get version(): string {
		return this.real.n8nVersion;
	}

	get major(): number {
		return majorOf(this.real.n8nVersion);
	}

	get userFolder(): string {
		return this.opts.userFolder;
	}

	get logFile(): string {
		return this.opts.logFile;
	}

	get baseUrl(): string {
		return `http://localhost:${this.port}`;
	}

	env(): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = { ...process.env };
		for (const k of Object.keys(env)) {
			if (k.toLowerCase().startsWith('npm_')) delete env[k];
			else if (!this.opts.inheritN8nEnv && /^(N8N_|DB_|EXECUTIONS_|QUEUE_)/.test(k)) delete env[k];
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
			...this.fixedEnv,
		};
		const forced: NodeJS.ProcessEnv = {
			PATH: `${this.real.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_PORT: String(this.port),
			NODE_ENV: 'production',
		};
		const services = Object.assign(
			{},
			...(this.opts.services ?? []).map((s) => s.n8nEnv()),
		) as NodeJS.ProcessEnv;
		return { ...defaults, ...env, ...forced, ...services, ...this.opts.extraEnv };
	}

	appendLog(header: string, text: string): void {
		fs.appendFileSync(this.logFile, `\n===== ${header} =====\n${text}`);
	}
}
