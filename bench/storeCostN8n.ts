/**
 * The real n8n 2.41.1 for the store-cost scenario (scenarios/storeCost.ts): `n8n start` in
 * regular mode on SQLite, or on our own PostgreSQL (harness/services/postgres.ts, DB_TYPE=postgresdb).
 *
 * Our package is installed as a user installs it, then its copy in this throw-away user folder
 * (never dist/ or the repo) gets one bench-only change: the node's store helpers are wrapped so
 * that each call appends `{ workflowId, name, ms, strings, result }` to a log file. Workflows whose
 * id contains "nostore" get no store at all (the node as it runs where n8n has none).
 *
 * The node's record is pre-filled by writing its row into n8n's table `processed_data`
 * (primary key workflowId + context `n:<node id>`, value JSON `{"mode":"entries","data":[md5
 * base64 ...]}`, as n8n's DeduplicationHelper writes it), replacing whatever the row held.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { N8nCli } from '../harness/n8n/cli';
import { N8nInstance } from '../harness/n8n/instance';
import { DEMO_OWNER } from '../harness/n8n/owner';
import { logInAsOwner } from '../harness/n8n/ownerLogin';
import { N8nRest } from '../harness/n8n/rest';
import { startServer, type N8nServer } from '../harness/n8n/server';
import { hasExited } from '../harness/processes';
import { ensureRealN8n } from '../harness/n8n/install';
import { installPackage, packPackage } from '../harness/ourPackage';
import { startPostgres, type PostgresInstance } from '../harness/services/postgres';
import { mkTemp } from '../harness/workFolder';
import { DEFAULT_API_KEY } from '../simulator';
import { GCORE_CREDENTIAL, type BenchWorkflow } from './realN8nWorkflows';

export type Database = 'sqlite' | 'postgres';

/** One store helper call as the wrapped copy logs it. */
export interface StoreCall {
	workflowId: string;
	name: string;
	ms: number;
	/** Strings passed (checkProcessedAndRecord, removeProcessed). */
	strings: number;
	/** getProcessedDataCount's answer. */
	result?: number;
	at: number;
}

/** Node id of our node in harness/workflows/benchWebhookSplitGcore.workflow.json: n8n's record context is `n:<node id>`. */
const GCORE_NODE_ID = 'b0000000-0000-4000-8000-000000000005';

// Bench-only: appended to the installed copy's sentBefore.js, and storeOf's answer passed through it.
const TIMED_STORE = `
function benchTimedStore(context, helpers) {
	const workflowId = String(context.getWorkflow().id);
	if (!helpers || workflowId.toLowerCase().includes('nostore')) return undefined;
	const fs = require('node:fs');
	const log = process.env.GCORE_BENCH_STORE_LOG;
	const timed = (name) => async (...args) => {
		const t0 = performance.now();
		let result;
		try {
			result = await helpers[name](...args);
			return result;
		} finally {
			const line = { workflowId, name, ms: performance.now() - t0, strings: Array.isArray(args[0]) ? args[0].length : 0, result: typeof result === 'number' ? result : undefined, at: Date.now() };
			fs.appendFileSync(log, JSON.stringify(line) + '\\n');
		}
	};
	const names = ['checkProcessedAndRecord', 'removeProcessed', 'getProcessedDataCount', 'clearAllProcessedItems'];
	return Object.fromEntries(names.map((name) => [name, timed(name)]));
}
`;

/** Wraps the installed copy's store helpers (see TIMED_STORE); fails loudly if the compiled code changed shape. */
function instrument(installed: string, constants: Record<string, number>): void {
	const sentBefore = path.join(
		installed,
		'dist',
		'nodes',
		'GcoreIam',
		'acrossExecutions',
		'sentBefore.js',
	);
	const source = fs.readFileSync(sentBefore, 'utf8');
	const callSite = /this\.store = \(0, storeRounds_1\.storeOf\)\(context\);/;
	if (!callSite.test(source))
		throw new Error(`${sentBefore}: the call of storeOf not found; update bench/storeCostN8n.ts`);
	fs.writeFileSync(
		sentBefore,
		`${source.replace(callSite, 'this.store = benchTimedStore(context, (0, storeRounds_1.storeOf)(context));')}\n${TIMED_STORE}`,
	);
	// A changed constant of storeRounds.ts (e.g. MAX_STRINGS), for a what-if row; never in the repo.
	const rounds = path.join(path.dirname(sentBefore), 'storeRounds.js');
	let text = fs.readFileSync(rounds, 'utf8');
	for (const [name, value] of Object.entries(constants)) {
		const pattern = new RegExp(`(const |exports\\.)${name} = [0-9_e]+;`);
		if (!pattern.test(text)) throw new Error(`${rounds}: constant ${name} not found`);
		text = text.replace(pattern, `$1${name} = ${value};`);
	}
	fs.writeFileSync(rounds, text);
}

/** `count` distinct strings as n8n stores them (md5, base64). */
export function prefillStrings(count: number): string[] {
	return Array.from({ length: count }, (_, index) =>
		createHash('md5').update(`bench prefill ${index}`).digest('base64'),
	);
}

function sqlString(text: string): string {
	return `'${text.replace(/'/g, "''")}'`;
}

export class StoreCostN8n {
	private constructor(
		readonly database: Database,
		private readonly instance: N8nInstance,
		private readonly folder: string,
		private readonly logFile: string,
		private readonly postgres: PostgresInstance | undefined,
		private server: N8nServer | undefined,
		readonly rest: N8nRest,
	) {}

	/** n8n (cache, user folder, our instrumented package, credential), the workflows imported and published, `n8n start` ready. */
	static async start(
		database: Database,
		simulatorUrl: string,
		workflows: BenchWorkflow[],
		constants: Record<string, number> = {},
	): Promise<StoreCostN8n> {
		const real = await ensureRealN8n();
		const folder = mkTemp(`gcore-bench-store-${database}-`);
		const logFile = path.join(folder, 'store-calls.jsonl');
		const postgres = database === 'postgres' ? await startPostgres(folder) : undefined;
		try {
			const instance = await N8nInstance.create(real, {
				userFolder: folder,
				logFile: path.join(folder, 'n8n.log'),
				owner: DEMO_OWNER,
				services: postgres ? [postgres] : [],
				extraEnv: { GCORE_BENCH_STORE_LOG: logFile, N8N_LOG_LEVEL: 'warn' },
			});
			const cli = new N8nCli(instance);
			instrument(installPackage(folder, packPackage(folder)), constants);
			await cli.importCredentials([
				{
					...GCORE_CREDENTIAL,
					type: 'gcoreIamApi',
					data: { apiKey: DEFAULT_API_KEY, baseUrl: simulatorUrl },
				},
			]);
			await cli.importWorkflows(workflows);
			const bench = new StoreCostN8n(
				database,
				instance,
				folder,
				logFile,
				postgres,
				undefined,
				new N8nRest(instance),
			);
			// What `n8n publish:workflow` does (WorkflowRepository.publishVersion), for all at once.
			await bench.sql(
				`UPDATE workflow_entity SET active = true, "activeVersionId" = "versionId" WHERE id IN (${workflows.map((w) => sqlString(w.id)).join(', ')});`,
			);
			bench.server = await startServer(instance);
			await logInAsOwner(real, bench.rest, DEMO_OWNER);
			return bench;
		} catch (error) {
			await postgres?.stop();
			throw error;
		}
	}

	get pid(): number {
		return this.server?.child.pid ?? 0;
	}

	get alive(): boolean {
		return this.server !== undefined && !hasExited(this.server.child);
	}

	get baseUrl(): string {
		return this.instance.baseUrl;
	}

	/** Replaces the node's record of `workflowId` with `count` strings (none: the row is deleted). */
	async prefill(workflowId: string, count: number): Promise<void> {
		const context = sqlString(`n:${GCORE_NODE_ID}`);
		const id = sqlString(workflowId);
		const value = sqlString(JSON.stringify({ mode: 'entries', data: prefillStrings(count) }));
		const remove = `DELETE FROM processed_data WHERE "workflowId" = ${id} AND context = ${context};`;
		const insert = `INSERT INTO processed_data ("workflowId", context, value) VALUES (${id}, ${context}, ${value});`;
		await this.sql(`BEGIN;\n${remove}\n${count > 0 ? insert : ''}\nCOMMIT;`);
		const [[stored]] = await this.sqlRows(
			`SELECT length(value) FROM processed_data WHERE "workflowId" = ${id} AND context = ${context};`,
		).then((rows) => (rows.length ? rows : [['0']]));
		if (count > 0 && Number(stored) < count * 24)
			throw new Error(`prefill of ${workflowId}: ${stored} characters stored for ${count} strings`);
	}

	/** The strings the node's record of `workflowId` holds now. */
	async recordSize(workflowId: string): Promise<number> {
		const rows = await this.sqlRows(
			`SELECT value FROM processed_data WHERE "workflowId" = ${sqlString(workflowId)} AND context = ${sqlString(`n:${GCORE_NODE_ID}`)};`,
		);
		if (rows.length === 0) return 0;
		return (JSON.parse(rows[0][0]) as { data: unknown[] }).data.length;
	}

	/** The store calls logged since the last takeCalls(). */
	takeCalls(): StoreCall[] {
		if (!fs.existsSync(this.logFile)) return [];
		const text = fs.readFileSync(this.logFile, 'utf8');
		fs.writeFileSync(this.logFile, '');
		return text
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as StoreCall);
	}

	/** Stops n8n and PostgreSQL; keeps n8n's log as <tmp>/gcore-bench-store-<database>.log, removes the rest. */
	async stop(): Promise<void> {
		await this.server?.stop();
		await this.postgres?.stop();
		fs.copyFileSync(
			this.instance.logFile,
			path.join(os.tmpdir(), `gcore-bench-store-${this.database}.log`),
		);
		fs.rmSync(this.folder, { recursive: true, force: true });
	}

	private async sql(script: string): Promise<void> {
		await this.sqlRows(script);
	}

	/** Runs a script through sqlite3 / psql (stdin: the pre-fill is megabytes), rows of tab-separated fields. */
	private sqlRows(script: string): Promise<string[][]> {
		const pg = this.postgres;
		const [cmd, args, env] = pg
			? [
					path.join(pg.binDir, 'psql'),
					[
						'-h',
						pg.host,
						'-p',
						String(pg.port),
						'-U',
						pg.user,
						'-d',
						pg.database,
						'-v',
						'ON_ERROR_STOP=1',
						'-qtA',
						'-F',
						'\t',
					],
					{ ...process.env, PGPASSWORD: pg.password },
				]
			: [
					'sqlite3',
					['-bail', '-separator', '\t', path.join(this.folder, '.n8n', 'database.sqlite')],
					process.env,
				];
		const input = pg ? script : `.timeout 30000\n${script}`;
		return new Promise((resolve, reject) => {
			const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
			let out = '';
			let err = '';
			child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
			child.once('error', reject);
			child.once('close', (code) => {
				if (code !== 0)
					reject(new Error(`${path.basename(cmd)} failed (exit ${code}): ${err.slice(0, 2000)}`));
				else
					resolve(
						out
							.split('\n')
							.filter(Boolean)
							.map((line) => line.split('\t')),
					);
			});
			child.stdin.end(input);
		});
	}
}
