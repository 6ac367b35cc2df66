/**
 * Process environment for running n8n-core in-process. Import this before anything that
 * loads n8n-core: n8n-core reads these variables when its DI container first builds
 * InstanceSettings and the Logger, and would otherwise create and write `~/.n8n/config`.
 *
 * N8N_USER_FOLDER always points at a throw-away folder owned by this process (never a real
 * n8n folder, even if the caller's shell sets one); it is removed after the Jest test file,
 * or when a script's process exits.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OWNED_FOLDER = 'N8N_HARNESS_USER_FOLDER';

function harnessFolder(): string {
	// Reuse the folder if this process already made one (and it still exists).
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
// n8n logs every node error through its ErrorReporter; keep test output readable.
// Set N8N_LOG_LEVEL=debug (or info/warn/error) to see n8n's own log lines.
process.env.N8N_LOG_LEVEL ??= 'silent';
