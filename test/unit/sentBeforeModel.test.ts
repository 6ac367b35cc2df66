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
interface Store {
	values: string[];
	generation: number;
}
const added = (values: string[], items: string[]) => [
	...values,
	...items.filter((item) => !values.includes(item)),
];
const removed = (values: string[], items: string[]) =>
	values.filter((value) => !items.includes(value));

type Call = (values: string[]) => string[];
interface Run {
	calls: Generator<Call, void>;
	read?: Store;
	done: boolean;
}

/** One run for one address, as the node does it: check, then send and record, or take back. */
function* calls(
	hash: string,
	now: number,
	next: () => number,
	accepted: Set<string>,
	saw: (hash: string, sent: boolean) => void,
): Generator<Call, void> {
	const asked = checkMarks(WINDOW, hash, now);
	const recorded = recordMarks(WINDOW, hash, now, now);
	let sent = false;
	yield (values) => {
		sent = wasSent(asked, new Set(values));
		saw(hash, sent);
		return added(values, [asked.sent, asked.unsent]);
	};
	// Sent before: the "not sent" it wrote goes again; otherwise it sends.
	if (sent) {
		yield (values) => removed(values, [asked.unsent]);
		return;
	}
	// The API's answer: accepted or not (not found, failed).
	let sentNow = false;
	yield (values) => {
		if (next() >= 0.6) return values;
		accepted.add(hash);
		sentNow = true;
		return added(values, recorded.add);
	};
	if (sentNow) yield (values) => removed(values, recorded.remove);
}

/** Its next half-call: a read, or the write that belongs to the last read (a stale copy, too). */
function advance(run: Run, store: Store): void {
	if (!run.read) {
		run.read = { values: [...store.values], generation: store.generation };
		return;
	}
	const { values, generation } = run.read;
	run.read = undefined;
	const call = run.calls.next();
	if (call.done) run.done = true;
	const written = call.done ? values : call.value(values);
	if (generation === store.generation) store.values = written;
}

describe('"sent" only after the API accepted, whatever the store and the runs do', () => {
	test.each([
		['the record never emptied', 0],
		['the record emptied now and then', 0.05],
	])('%s: 3,000 random histories of interleaved, dying runs', (_, emptying) => {
		let sentAnswers = 0;
		for (let seed = 1; seed <= 3_000; seed++) {
			const next = random(seed * 7_919 + emptying * 1_000);
			const store: Store = { values: [], generation: 0 };
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
					const hash = ADDRESSES[Math.floor(next() * ADDRESSES.length)];
					runs.push({ calls: calls(hash, now, next, accepted, saw), done: false });
				} else if (roll < 0.3) {
					live[Math.floor(next() * live.length)].done = true; // dies, wherever it was
				} else if (roll < 0.3 + emptying) {
					store.values = [];
					store.generation++;
				} else {
					advance(live[Math.floor(next() * live.length)], store);
				}
			}
		}
		// The histories do reach "sent": the rule is exercised, not only never answered.
		console.log('SENTANSWERS', emptying, sentAnswers);
		expect(sentAnswers).toBeGreaterThan(100);
	});
});
