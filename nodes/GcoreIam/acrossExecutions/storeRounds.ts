import type { DeduplicationHelperFunctions, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { ProcessMap } from '../processState';

// One n8n process, one record: the store calls of all executions of this node take turns in
// rounds, each one call that adds all that was asked since the last round and one that removes.
// n8n's store reads the whole record and writes it back without a transaction: rounds never
// overlap in a process, so no call undoes another there. Rounds begin ROUND_EVERY_MS apart at
// most: in a burst of executions, each round serves many, and n8n's database (which also saves
// the executions) gets a few store calls a second, however many executions there are.

export type Store = DeduplicationHelperFunctions;
type Answer = { found: Set<string> } | { error: unknown };
interface Request {
	add: string[];
	remove: string[];
	settle: (answer: Answer) => void;
}

// Never n8n's maxEntries: pruning the oldest strings could keep "asked" and drop "not sent".
// The record is emptied at MAX_STRINGS instead: that forgets sends, it never invents one.
const OPTIONS = { mode: 'entries' } as const;
export const MAX_STRINGS = 20_000;
/** The size is read at a process's first round, then each time it has added this many strings. */
const COUNT_AFTER_STRINGS = 2_000;
const ROUND_EVERY_MS = 250;

// Per record: the requests for the next round, while one is served; strings added since the
// size was last read.
const queues = new ProcessMap<Request[]>();
const added = new ProcessMap<{ strings: number }>({ idleMs: 60 * 60_000, maxEntries: 10_000 });

/** n8n's store, where this n8n has one and the workflow is saved (records are per workflow id). */
export function storeOf(context: IExecuteFunctions): Store | undefined {
	const helpers = context.helpers as Partial<Store>;
	const usable = context.getWorkflow().id && typeof helpers.checkProcessedAndRecord === 'function';
	return usable ? (helpers as Store) : undefined;
}

/** Adds `add`, then removes `remove`, in the next round: which of `add` were there already. */
export async function storeRound(
	record: string,
	store: Store,
	add: string[],
	remove: string[] = [],
): Promise<Set<string>> {
	const answer = await new Promise<Answer>((settle) => {
		const queue = queues.get(record);
		if (queue) queue.push({ add, remove, settle });
		else
			void serve(
				queues.use(record, () => [{ add, remove, settle }]),
				record,
				store,
			);
	});
	if ('error' in answer) throw answer.error;
	return answer.found;
}

async function serve(queue: Request[], record: string, store: Store): Promise<void> {
	// The queue stays while rounds are served: requests made meanwhile join the next round.
	for (let round = queue.splice(0); round.length > 0; round = queue.splice(0)) {
		const began = Date.now();
		const add = [...new Set(round.flatMap((request) => request.add))];
		const remove = [...new Set(round.flatMap((request) => request.remove))];
		try {
			const there = new Set<string>();
			if (add.length > 0) {
				const answer = await once(() => store.checkProcessedAndRecord(add, 'node', OPTIONS));
				for (const value of answer.processed) there.add(String(value));
				await keepSmall(record, store, answer.new.length).catch(() => undefined);
			}
			if (remove.length > 0) await once(() => store.removeProcessed(remove, 'node', OPTIONS));
			for (const { add, settle } of round)
				settle({ found: new Set(add.filter((value) => there.has(value))) });
			await sleep(Math.max(0, began + ROUND_EVERY_MS - Date.now()));
		} catch (error) {
			for (const { settle } of round) settle({ error });
		}
	}
	if (queues.get(record) === queue) queues.delete(record);
}

async function keepSmall(record: string, store: Store, strings: number): Promise<void> {
	const since = added.use(record, () => ({ strings: COUNT_AFTER_STRINGS }));
	if ((since.strings += strings) < COUNT_AFTER_STRINGS) return;
	since.strings = 0;
	if ((await store.getProcessedDataCount('node', OPTIONS)) >= MAX_STRINGS)
		await store.clearAllProcessedItems('node', OPTIONS);
}

// One more try: two n8n processes creating the same row at once make one of them fail.
const once = async <T>(call: () => Promise<T>) => await call().catch(async () => await call());

// n8n-core throws this assertion (node:assert's: no `instanceof Error` across realms) when its
// DataDeduplicationService was never initialised.
export function isStoreMissing(error: unknown): boolean {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
	return code === 'ERR_ASSERTION' && typeof message === 'string' && /initiali[sz]ed/i.test(message);
}
