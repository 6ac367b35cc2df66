/**
 * The node keeps what it learns about each account's rate limit in module state, shared by all
 * executions of one n8n process. Each test case starts like a freshly started n8n: with nothing
 * learned. The module is the one n8n's loader required from dist/ (one registry per test file).
 */
import path from 'node:path';

import { REPO_ROOT } from '../../harness/engine';

const ACCOUNTS_MODULE = path.join(REPO_ROOT, 'dist', 'nodes', 'GcoreIam', 'rateLimit', 'accounts.js');

export async function forgetLearnedLimits(): Promise<void> {
	const accounts = (await import(ACCOUNTS_MODULE)) as { forgetAllAccounts(): void };
	accounts.forgetAllAccounts();
}
