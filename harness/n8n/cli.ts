/** n8n's CLI on one instance: import:*, execute, publish:workflow. Each command is a new n8n process (a few seconds of start-up). */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { lastLines, say } from '../log';
import { stopProcessGroup, spawnGroup } from '../processes';
import type { N8nInstance } from './instance';
import { parseRawOutput, type N8nRun } from './runData';

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/**
 * n8n crashes with SIGSEGV now and then here, after its work is done: 2.41.1 in about 1 of 18
 * `n8n execute` runs, 1.123.81 on Node 24 in 3 of 17 (twice in a row once), each time after
 * printing a complete, successful run. A crashed run is repeated; its output is never used.
 */
export const SIGSEGV_RETRIES = 2;

export function describeCliResult(args: string, r: CliResult): string {
	return `n8n ${args} ended ${r.signal ?? `with exit ${r.code}`} after ${(r.ms / 1000).toFixed(1)} s:\n${lastLines(`${r.stdout}\n${r.stderr}`, 40)}`;
}

export class N8nCli {
	constructor(private readonly n8n: N8nInstance) {}

	/** One `n8n <args>` run; `retrySegv` repeats it after a SIGSEGV crash (SIGSEGV_RETRIES times), never after a wrong result. */
	async run(args: string[], opts: { retrySegv?: boolean } = {}): Promise<CliResult> {
		for (let retry = 1; ; retry++) {
			const r = await this.once(args);
			if (opts.retrySegv === false || r.signal !== 'SIGSEGV' || retry > SIGSEGV_RETRIES) return r;
			say(
				`n8n ${args[0]} crashed with SIGSEGV (a known crash of n8n at exit here): retry ${retry} of ${SIGSEGV_RETRIES}`,
			);
		}
	}

	async ok(args: string[]): Promise<CliResult> {
		const r = await this.run(args);
		if (r.code !== 0) throw new Error(describeCliResult(args.join(' '), r));
		return r;
	}

	async importCredentials(creds: unknown[]): Promise<void> {
		const file = path.join(this.n8n.userFolder, `import-credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(creds, null, 2));
		await this.ok(['import:credentials', `--input=${file}`]);
	}

	/** One `n8n import:workflow --separate` for all of them (each CLI start costs n8n's boot time). */
	async importWorkflows(workflows: object[]): Promise<void> {
		const dir = path.join(this.n8n.userFolder, `import-workflows-${Date.now()}`);
		fs.mkdirSync(dir);
		workflows.forEach((wf, i) =>
			fs.writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(wf, null, 2)),
		);
		await this.ok(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** Activates a workflow (its triggers and webhooks) for the next `n8n start`. */
	async publishWorkflow(workflowId: string): Promise<void> {
		// n8n 2.x: publish:workflow (update:workflow --active is deprecated there); 1.x has only the latter.
		await this.ok(
			this.n8n.major >= 2
				? ['publish:workflow', `--id=${workflowId}`]
				: ['update:workflow', `--id=${workflowId}`, '--active=true'],
		);
	}

	/** `n8n execute --id=<id> --rawOutput`: the run (IRun) JSON it prints after its log lines. */
	async execute(workflowId: string): Promise<{ run: N8nRun | undefined; result: CliResult }> {
		// Never retried here: a re-run re-sends e-mails; scenarios reset the simulator first (scenarios/execute.ts).
		const result = await this.run(['execute', `--id=${workflowId}`, '--rawOutput'], {
			retrySegv: false,
		});
		return { run: parseRawOutput(result.stdout), result };
	}

	private once(args: string[], timeoutMs = 180_000): Promise<CliResult> {
		const t0 = Date.now();
		const name = `n8n ${args[0]}`;
		return new Promise((resolve, reject) => {
			const child = spawnGroup(
				name,
				this.n8n.real.nodeExe,
				[this.n8n.real.n8nBin, ...args],
				{
					cwd: this.n8n.userFolder,
					env: this.n8n.env(),
					stdio: ['ignore', 'pipe', 'pipe'],
				},
				3000,
			);
			let stdout = '';
			let stderr = '';
			child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
			child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
			const timer = setTimeout(() => {
				say(`n8n ${args.join(' ')} still running after ${timeoutMs / 1000} s: killing it`);
				void stopProcessGroup(child, name, 3000);
			}, timeoutMs);
			child.on('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				const r = { code, signal, stdout, stderr, ms: Date.now() - t0 };
				this.n8n.appendLog(
					`n8n ${args.join(' ')} → ${signal ?? `exit ${code}`} in ${r.ms} ms`,
					`${stdout}\n--- stderr ---\n${stderr}`,
				);
				resolve(r);
			});
		});
	}
}
