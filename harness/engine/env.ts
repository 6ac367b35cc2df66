// n8n-core's environment, read when it first builds InstanceSettings and the Logger: import this
// first. N8N_USER_FOLDER is a throw-away folder (else n8n writes `~/.n8n/config`).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OWNED_FOLDER = 'N8N_HARNESS_USER_FOLDER';

function harnessFolder(): string {
	const existing = process.env[OWNED_FOLDER];
	if (existing && existsSync(existing)) return existing;
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	process.env[OWNED_FOLDER] = folder;
	const remove = () => rmSync(folder, { recursive: true, force: true });
	// Under Jest (a sandboxed process.env per test file, and workers that never emit 'exit'),
	// clean up after the test file; elsewhere (tsx scripts) when the process exits.
	if (typeof afterAll === 'function') afterAll(remove);
	else process.once('exit', remove);
	return folder;
}

export const harnessUserFolder = harnessFolder();

process.env.N8N_USER_FOLDER = harnessUserFolder;
process.env.N8N_ENCRYPTION_KEY ??= 'n8n-nodes-gcore-iam-test-harness-key';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
// n8n logs every node error through its ErrorReporter: silent unless N8N_LOG_LEVEL asks.
process.env.N8N_LOG_LEVEL ??= 'silent';
