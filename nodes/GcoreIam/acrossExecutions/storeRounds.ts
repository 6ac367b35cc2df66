import type { DeduplicationHelperFunctions, ICheckProcessedOptions } from 'n8n-workflow';

import { ProcessMap } from '../processState';

// One n8n process, one record: the store calls of all executions of this node take turns in
// rounds. A round adds every string asked since the last round in one call, then removes every
// string to remove in one more. n8n's store reads the whole record, changes it and writes it
// back without a transaction: in one process the rounds never overlap, so no call undoes
// another; a burst of small executions costs two store calls per round, not per execution.
// (Queue-mode workers are processes of their own: their rounds can overlap; see DESIGN.md.)

export type Store = Pick<
	DeduplicationHelperFunctions,
	'checkProcessedAndRecord' | 'removeProcessed' | 'getProcessedDataCount' | 'clearAllProcessedItems'
>;

// No maxEntries: n8n's pruning of the oldest strings could split an address's marks (DESIGN.md).
// Instead the record is emptied when it holds MAX_STRINGS: that forgets sends, never invents one.
const OPTIONS: ICheckProcessedOptions = { mode: 'entries' };
const MAX_STRINGS = 20_000;
/** The record's size is read at this process's first round, then after this many strings added or this long. */
const COUNT_AFTER_STRINGS = 2_000;
const COUNT_EVERY_MS = 60_000;

interface Request {
	store: Store;
	add: string[];
	remove: string[];
	settle: (answer: { found: Set<string> } | { error: unknown }) => void;
}

// Per record (workflow and node): requests waiting for the next round, while a round is served.
const waiting = new ProcessMap<Request[]>({
	idleMs: Infinity,
	maxEntries: Infinity,
	inUse: () => true,
});
// Per record: strings this process added since it last read the record's size, and when that
// was. An entry older than COUNT_EVERY_MS is read again anyway: it can go.
const sinceCount = new ProcessMap<{ strings: number; at: number }>({
	idleMs: COUNT_EVERY_MS,
	maxEntries: 10_000,
	idleSince: (since) => since.at,
});

/**
 * Adds `add` to the record and then removes `remove`, in the next round. Answers which of
 * `add` were there already (for this request: a string an earlier request of the same round
 * added counts as there).
 */
export async function storeRound(
	record: string,
	store: Store,
	add: string[],
	remove: string[] = [],
): Promise<Set<string>> {
	const answer = await new Promise<{ found: Set<string> } | { error: unknown }>((settle) => {
		const queue = waiting.get(record);
		if (queue) queue.push({ store, add, remove, settle });
		else {
			waiting.use(record, () => [{ store, add, remove, settle }]);
			void serve(record);
		}
	});
	if ('error' in answer) throw answer.error;
	return answer.found;
}

async function serve(record: string): Promise<void> {
	// The queue stays while the rounds are served, so that requests made meanwhile join it.
	const take = () => waiting.get(record)?.splice(0) ?? [];
	for (let requests = take(); requests.length > 0; requests = take()) {
		const { store } = requests[0];
		const add = [...new Set(requests.flatMap((request) => request.add))];
		const remove = [...new Set(requests.flatMap((request) => request.remove))];
		try {
			const there = new Set<string>();
			if (add.length > 0) {
				const answer = await once(
					async () => await store.checkProcessedAndRecord(add, 'node', OPTIONS),
				);
				for (const value of answer.processed) there.add(String(value));
				await keepSmall(record, store, answer.new.length).catch(() => undefined);
			}
			if (remove.length > 0)
				await once(async () => await store.removeProcessed(remove, 'node', OPTIONS));
			for (const request of requests) {
				request.settle({ found: new Set(request.add.filter((value) => there.has(value))) });
				for (const value of request.add) there.add(value);
			}
		} catch (error) {
			for (const request of requests) request.settle({ error });
		}
	}
	waiting.delete(record);
}

async function keepSmall(record: string, store: Store, added: number): Promise<void> {
	const now = Date.now();
	const since = sinceCount.get(record);
	if (since && (since.strings += added) < COUNT_AFTER_STRINGS && now - since.at < COUNT_EVERY_MS)
		return;
	const counted = sinceCount.use(record, () => ({ strings: 0, at: now }));
	counted.strings = 0;
	counted.at = now;
	if ((await store.getProcessedDataCount('node', OPTIONS)) >= MAX_STRINGS)
		await store.clearAllProcessedItems('node', OPTIONS);
}

// One more try: two n8n processes creating the same row at once make one of them fail.
async function once<T>(call: () => Promise<T>): Promise<T> {
	return await call().catch(async () => await call());
}

// n8n-core throws this assertion (node:assert's, so no `instanceof Error` across realms) when
// its DataDeduplicationService was never initialised.
export function isStoreMissing(error: unknown): boolean {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
	return code === 'ERR_ASSERTION' && typeof message === 'string' && /initiali[sz]ed/i.test(message);
}
