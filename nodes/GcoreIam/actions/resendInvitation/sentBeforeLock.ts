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
 * 'latestIncrementalKey' holding the lowest number there is: asking for that number answers
 * "processed" while the row exists, and never changes what a row holds.
 *
 * Another node may keep its own data in that row (a Remove Duplicates node with scope
 * "Workflow"). In another mode n8n refuses our call at once; in the same mode it holds a real
 * number, and a waiter finds that out when it tries to take over (below): either way the node
 * then works without the lock, as it did before, and never deletes that row.
 * A worker that dies while holding the lock leaves the row behind: after STALE_MS of waiting a
 * waiter takes it over by raising the number to one of its own, still far below any real one.
 */

const LOCK_OPTIONS: ICheckProcessedOptions = { mode: 'latestIncrementalKey' };
const LOCKED = -Number.MAX_VALUE;
const STALE_MS = 10_000;
const POLL_MS = [5, 40] as const;
// A process runs its queued calls in one hold of the lock, for up to MAX_HOLD_MS; then it
// releases the lock and waits longer than a waiter's poll before it asks again.
const MAX_HOLD_MS = 250;
const YIELD_MS = 80;
const MAX_ERRORS = 10;
const FOREIGN = "the workflow's deduplication record holds another node's data";
// Workflows whose record holds another node's data in our mode: not asked again for a while.
const FOREIGN_FOR_MS = 10 * 60_000;
const foreign = new Map<string, number>();

type LockStore = Pick<DeduplicationHelperFunctions, 'checkProcessedAndRecord' | 'clearAllProcessedItems'>;

/** Why a call ran without the lock, for a warning. */
export type Unlocked = (reason: string) => void;

type Job = (unlockedBecause: string | undefined) => Promise<void>;

interface Line {
	jobs: Job[];
	/** Why this workflow's calls must not take the lock (another node of it uses the workflow-wide record). */
	sharedBy?: string;
}

// Per workflow: the store calls of this process waiting for their turn, first come first served.
const lines = new Map<string, Line>();

/**
 * Runs `work` after the calls to the store of `workflow` queued before it, under the store lock
 * (see above), or only in turn in this process when `sharedBy` says why the lock must not be taken.
 */
export async function underStoreLock<T>(
	store: LockStore,
	workflow: string,
	work: () => Promise<T>,
	unlocked: Unlocked,
	sharedBy?: string,
): Promise<T> {
	return await new Promise<T>((resolve, reject) => {
		const job: Job = async (unlockedBecause) => {
			if (unlockedBecause !== undefined) unlocked(unlockedBecause);
			await work().then(resolve, reject);
		};
		const line = lines.get(workflow);
		if (line) {
			line.jobs.push(job);
			line.sharedBy ??= sharedBy;
		} else {
			const created: Line = { jobs: [job], sharedBy };
			lines.set(workflow, created);
			void serve(store, workflow, created);
		}
	});
}

async function serve(store: LockStore, workflow: string, line: Line): Promise<void> {
	const queue = line.jobs;
	for (let cut = false; queue.length > 0; ) {
		if (cut) await pause(YIELD_MS * (0.75 + Math.random() / 2));
		const { held, unlockedBecause } = line.sharedBy ? { held: false, unlockedBecause: line.sharedBy } : await acquire(store, workflow);
		const started = Date.now();
		try {
			for (let job = queue.shift(); job; job = Date.now() - started < MAX_HOLD_MS ? queue.shift() : undefined) {
				await job(unlockedBecause);
			}
		} finally {
			if (held) await store.clearAllProcessedItems('workflow', LOCK_OPTIONS).catch(() => undefined);
		}
		cut = queue.length > 0;
	}
	lines.delete(workflow);
}

// Above every stale value taken over before, far below any real number (-2e300 ... -1e300).
const takeOverValue = () => -2e300 + Date.now() * 1e287;

async function acquire(store: LockStore, workflow: string): Promise<{ held: boolean; unlockedBecause?: string }> {
	if ((foreign.get(workflow) ?? 0) > Date.now()) return { held: false, unlockedBecause: FOREIGN };
	const started = Date.now();
	let errors = 0;
	for (let wait: number = POLL_MS[0]; ; wait = Math.min(wait * 2, POLL_MS[1])) {
		const stale = Date.now() - started >= STALE_MS;
		try {
			const answer = await store.checkProcessedAndRecord([stale ? takeOverValue() : LOCKED], 'workflow', LOCK_OPTIONS);
			if (answer.new.length > 0) return { held: true };
			if (stale) {
				for (const [key, until] of foreign) if (until <= Date.now()) foreign.delete(key);
				foreign.set(workflow, Date.now() + FOREIGN_FOR_MS);
				return { held: false, unlockedBecause: FOREIGN };
			}
			errors = 0;
		} catch (error) {
			// No store: the call itself finds out and says so.
			if (isStoreMissing(error)) return { held: false };
			if (isOtherMode(error)) return { held: false, unlockedBecause: FOREIGN };
			// Usually: another process created the row between n8n's read and its insert.
			if (++errors >= MAX_ERRORS) {
				return { held: false, unlockedBecause: `the store keeps failing: ${(error as { message?: unknown })?.message}` };
			}
		}
		await pause(wait * (0.5 + Math.random()));
	}
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
