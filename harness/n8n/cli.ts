/** n8n's CLI on one instance: import:*, execute, publish:workflow; each command is a new n8n process. */
import { once as onceEvent } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { lastLines, say } from '../log';
import { stopProcessGroup, spawnGroup } from '../processes';
import type { WorkflowJson } from '../workflows/workflowJson';
import type { N8nInstance } from './instance';
import { parseRawOutput, type N8nRun } from './runData';

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** n8n's SIGSEGV after its work is done (e2e/README.md "How it works"): a crashed run is repeated this often. */
const SIGSEGV_RETRIES = 2;

export function describeCliResult(args: string, r: CliResult): string {
	return `n8n ${args} ended ${r.signal ?? `with exit ${r.code}`} after ${(r.ms / 1000).toFixed(1)} s:\n${lastLines(`${r.stdout}\n${r.stderr}`, 40)}`;
}

export class N8nCli {
	constructor(private readonly n8n: N8nInstance) {}

	/** `n8n <args>` that must exit 0; repeated after n8n's SIGSEGV. */
	async ok(args: string[]): Promise<CliResult> {
		const r = await this.againAfterCrash(args[0], () => this.once(args));
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

	/** Active at the next `n8n start`; 1.x has only `update:workflow --active` (deprecated in 2.x). */
	async publishWorkflow(workflowId: string): Promise<void> {
		await this.ok(
			this.n8n.major >= 2
				? ['publish:workflow', `--id=${workflowId}`]
				: ['update:workflow', `--id=${workflowId}`, '--active=true'],
		);
	}

	/**
	 * `n8n execute --id=<id> --rawOutput` and the run JSON it prints; again after n8n's SIGSEGV at
	 * exit, never after a wrong result (a re-run re-sends e-mails). `prepare(retry)` runs before every
	 * try: it resets what a crashed try changed, and may return a new workflow, imported and executed
	 * instead of `workflowId`.
	 */
	async executeAgainAfterCrash(
		workflowId: string,
		prepare: (retry: number) => Promise<WorkflowJson | void>,
	): Promise<{ run: N8nRun | undefined; result: CliResult }> {
		const result = await this.againAfterCrash('execute', async (retry) => {
			const workflow = await prepare(retry);
			if (workflow) await this.importWorkflows([workflow]);
			return this.once(['execute', `--id=${workflow ? workflow.id! : workflowId}`, '--rawOutput']);
		});
		return { run: parseRawOutput(result.stdout), result };
	}

	private async againAfterCrash(
		command: string,
		attempt: (retry: number) => Promise<CliResult>,
	): Promise<CliResult> {
		for (let retry = 0; ; retry++) {
			const r = await attempt(retry);
			if (r.signal !== 'SIGSEGV' || retry === SIGSEGV_RETRIES) return r;
			say(`n8n ${command} crashed with SIGSEGV (n8n's known crash at exit): retry ${retry + 1}`);
		}
	}

	private async once(args: string[], timeoutMs = 180_000): Promise<CliResult> {
		const t0 = Date.now();
		const name = `n8n ${args[0]}`;
		const child = spawnGroup(
			name,
			this.n8n.real.nodeExe,
			[this.n8n.real.n8nBin, ...args],
			{ cwd: this.n8n.userFolder, env: this.n8n.env(), stdio: ['ignore', 'pipe', 'pipe'] },
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
		const closed = onceEvent(child, 'close').finally(() => clearTimeout(timer));
		const [code, signal] = (await closed) as [number | null, NodeJS.Signals | null];
		const r = { code, signal, stdout, stderr, ms: Date.now() - t0 };
		const how = `n8n ${args.join(' ')} → ${signal ?? `exit ${code}`} in ${r.ms} ms`;
		this.n8n.appendLog(how, `${stdout}\n--- stderr ---\n${stderr}`);
		return r;
	}
}
