// The "sent before" rule against a model of n8n's store: runs' reads and writes interleaved (lost
// updates, as between workers), runs dying between any two calls, the record emptied when full. A
// check may answer "sent" only for an address the API accepted. Seeded, so a failure repeats.
import type { Family } from '../../nodes/GcoreIam/acrossExecutions/marks';
import {
	addressHash,
	checkMarks,
	recordMarks,
	wasSent,
} from '../../nodes/GcoreIam/acrossExecutions/marks';

const WINDOW: Family = { kind: 'window', minutes: 10 };
const ADDRESSES = ['a@example.com', 'b@example.com', 'c@example.com'].map(addressHash);

function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1_664_525 + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

// n8n's record: a call reads it and writes its changed copy later. Emptying it deletes the row: a
// write whose read came before changes nothing (UPDATE finds no row).
class ModelStore {
	values: string[] = [];
	generation = 0;
	add(snapshot: string[], items: string[]): { next: string[]; there: Set<string> } {
		const next = [...snapshot];
		const there = new Set<string>();
		for (const item of items) {
			if (next.includes(item)) there.add(item);
			else next.push(item);
		}
		return { next, there };
	}
	remove(snapshot: string[], items: string[]): string[] {
		return snapshot.filter((value) => !items.includes(value));
	}
}

/** One run for one address, as the node does it: check, then send and record, or take back. */
class Run {
	private stage = 0;
	private read?: { values: string[]; generation: number };
	private pendingWrite?: (snapshot: string[]) => string[];
	done = false;
	constructor(
		private readonly hash: string,
		private readonly now: number,
		private readonly next: () => number,
		private readonly accepted: Set<string>,
		private readonly saw: (hash: string, sent: boolean) => void,
	) {}

	/** Does its next half-call: a read, or the write that belongs to the last read. */
	step(store: ModelStore): void {
		if (this.read === undefined) {
			this.read = { values: [...store.values], generation: store.generation };
			return;
		}
		const { values, generation } = this.read;
		this.read = undefined;
		const written = this.call(store, values);
		if (generation === store.generation) store.values = written;
	}

	private call(store: ModelStore, snapshot: string[]): string[] {
		const { hash, now } = this;
		switch (this.stage++) {
			case 0: {
				const asked = checkMarks(WINDOW, hash, now);
				const { next, there } = store.add(snapshot, [asked.sent, asked.unsent]);
				const sent = wasSent(asked, there);
				this.saw(hash, sent);
				// Sent before: the "not sent" it wrote goes again; otherwise it sends.
				if (sent) this.pendingWrite = (later) => store.remove(later, [asked.unsent]);
				else this.stage = 2;
				return next;
			}
			case 1: {
				this.stage = 4;
				return this.pendingWrite!(snapshot);
			}
			case 2: {
				// The API's answer: accepted or not (not found, failed).
				if (this.next() < 0.6) {
					this.accepted.add(hash);
					return store.add(snapshot, recordMarks(WINDOW, hash, now, now).add).next;
				}
				this.stage = 4;
				return snapshot;
			}
			case 3:
				return store.remove(snapshot, recordMarks(WINDOW, hash, now, now).remove);
			default:
				this.done = true;
				return snapshot;
		}
	}
}

describe('"sent" only after the API accepted, whatever the store and the runs do', () => {
	test.each([
		['the record never emptied', 0],
		['the record emptied now and then', 0.05],
	])('%s: 3,000 random histories of interleaved, dying runs', (_, emptying) => {
		let sentAnswers = 0;
		for (let seed = 1; seed <= 3_000; seed++) {
			const next = random(seed * 7_919 + emptying * 1_000);
			const store = new ModelStore();
			const accepted = new Set<string>();
			const saw = (hash: string, sent: boolean) => {
				if (!sent) return;
				sentAnswers++;
				if (!accepted.has(hash))
					throw new Error(
						`seed ${seed}: a check answered "sent" for an address the API never accepted`,
					);
			};
			const now = 1_700_000_000_000 + Math.floor(next() * 4) * 60_000;
			const runs: Run[] = [];
			for (let step = 0; step < 60; step++) {
				const live = runs.filter((run) => !run.done);
				const roll = next();
				if (roll < 0.25 || live.length === 0) {
					runs.push(
						new Run(ADDRESSES[Math.floor(next() * ADDRESSES.length)], now, next, accepted, saw),
					);
				} else if (roll < 0.3) {
					live[Math.floor(next() * live.length)].done = true; // dies, wherever it was
				} else if (roll < 0.3 + emptying) {
					store.values = [];
					store.generation++;
				} else {
					live[Math.floor(next() * live.length)].step(store);
				}
			}
		}
		// The histories do reach "sent": the rule is exercised, not only never answered.
		expect(sentAnswers).toBeGreaterThan(100);
	});
});
