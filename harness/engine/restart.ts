/** Forgets the node's process state (nodes/GcoreIam/processState.ts), as a newly started n8n. */
import path from 'node:path';

import { REPO_ROOT } from './loadPackage';

const PROCESS_STATE_MODULE = path.join(REPO_ROOT, 'dist', 'nodes', 'GcoreIam', 'processState.js');

export async function restartNodeProcess(): Promise<void> {
	const state = (await import(PROCESS_STATE_MODULE)) as { forgetProcessState(): void };
	state.forgetProcessState();
}
