import type { DeduplicationHelperFunctions, ICheckProcessedOptions } from 'n8n-workflow';

import { pause } from '../../transport/pause';

/*
 * One store call at a time across n8n processes (queue-mode workers).
 *
 * n8n's deduplication store reads a row, changes it and writes it back without a lock, so two
 * workers' calls to the node's row that overlap can both find an address new, or one can undo
 * the other's write. The store's one atomic step is creating a row: the database refuses a
 * second row with the same key. So the workflow-wide row (scope 'workflow') serves as a lock:
 * whoever creates it holds the lock, and deletes the row to release it. It is created in mode
 * 'latestIncrementalKey' holding the lowest number there is, which tells it apart:
 * - asking for that number again answers "processed" while the row exists (someone holds the
 *   lock), and never changes a row holding anything else;
 * - a row that another node keeps there (a Remove Duplicates node with scope "Workflow") in
 *   another mode makes n8n refuse the call: the node then works without the lock, as before;
 *   one in the same mode holds a larger number, which the release checks before deleting.
 * A worker that dies while holding the lock leaves the row behind: after STALE_MS of waiting,
 * a waiter takes it over (a raised number that is still far below anything real).
 */

const LOCK_OPTIONS: ICheckProcessedOptions = { mode: 'latestIncrementalKey' };
const LOCKED = -Number.MAX_VALUE;
const TAKEN_OVER = -1e300;
const STALE_MS = 10_000;
const POLL_MS = [5, 40] as const;
const MAX_ERRORS = 10;

type LockStore = Pick<DeduplicationHelperFunctions, 'checkProcessedAndRecord' | 'clearAllProcessedItems'>;

/** Why a call ran without the lock, for a warning. */
export type Unlocked = (reason: string) => void;

/** Runs `work` while this process holds the store lock of the workflow (see above). */
export async function underStoreLock<T>(store: LockStore, work: () => Promise<T>, unlocked: Unlocked): Promise<T> {
	const held = await acquire(store, unlocked);
	try {
		return await work();
	} finally {
		if (held !== undefined) await release(store, held, unlocked).catch(() => undefined);
	}
}

// The number the row holds while this process has the lock; undefined: no lock.
async function acquire(store: LockStore, unlocked: Unlocked): Promise<number | undefined> {
	const started = Date.now();
	let errors = 0;
	for (let wait: number = POLL_MS[0]; ; wait = Math.min(wait * 2, POLL_MS[1])) {
		const stale = Date.now() - started >= STALE_MS;
		const value = stale ? TAKEN_OVER : LOCKED;
		try {
			const answer = await store.checkProcessedAndRecord([value], 'workflow', LOCK_OPTIONS);
			if (answer.new.length > 0) return value;
			if (stale) {
				unlocked("the workflow's deduplication record holds another node's data");
				return undefined;
			}
			errors = 0;
		} catch (error) {
			if (isStoreMissing(error)) throw error;
			if (isOtherMode(error)) {
				unlocked("the workflow's deduplication record holds another node's data");
				return undefined;
			}
			// Another process created the row between n8n's read and its insert: it holds the lock.
			if (++errors >= MAX_ERRORS) throw error;
		}
		await pause(wait * (0.5 + Math.random()));
	}
}

async function release(store: LockStore, held: number, unlocked: Unlocked): Promise<void> {
	// Still only our number (raised by the check itself, to one that is still ours)?
	const answer = await store.checkProcessedAndRecord([held / 2], 'workflow', LOCK_OPTIONS);
	if (answer.new.length > 0) await store.clearAllProcessedItems('workflow', LOCK_OPTIONS);
	else unlocked("another node wrote into the workflow's deduplication record while this node held it; it was left as it is");
}

// n8n-core throws this assertion (node:assert's, so no `instanceof Error` across realms) when
// its DataDeduplicationService was never initialised.
export function isStoreMissing(error: unknown): boolean {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
	return code === 'ERR_ASSERTION' && typeof message === 'string' && /initiali[sz]ed/i.test(message);
}

// n8n's DeduplicationError when the row was saved in another mode.
function isOtherMode(error: unknown): boolean {
	const { message } = (error ?? {}) as { message?: unknown };
	return typeof message === 'string' && /incompatible setting/i.test(message);
}
