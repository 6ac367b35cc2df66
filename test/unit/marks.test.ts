import { addressHash, checkMarks, recordMarks } from '../../nodes/GcoreIam/acrossExecutions/marks';

const MINUTE = 60_000;
const hash = addressHash('maria.garcia@northwind.example.com');
const window = { kind: 'window', minutes: 10 } as const;

// Whether a check at `checkedAt` reads "sent" after a run from `sentAt` recorded a 2xx at its end.
// Checks up to the record's bucket may have written a not-sent mark, which the record removes; a
// later bucket has none, since no check asked in it before the record.
function foundAt(
	family: typeof window | { kind: 'retry' },
	sentAt: number,
	checkedAt: number,
	runMs = 0,
): boolean {
	const recordedAt = sentAt + runMs;
	const { add, remove } = recordMarks(family, hash, sentAt, recordedAt);
	const asked = checkMarks(family, hash, checkedAt);
	const laterBucket =
		asked.unsent !== checkMarks(family, hash, recordedAt).unsent && checkedAt > recordedAt;
	return add.includes(asked.sent) && (laterBucket || remove.includes(asked.unsent));
}

describe('what a recorded send writes and what a check asks for', () => {
	test('the address is hashed, never written in clear', () => {
		expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(JSON.stringify(checkMarks(window, hash, 0))).not.toMatch(/maria|northwind/);
		expect(addressHash('maria.garcia@northwind.example.com')).toBe(hash);
		expect(addressHash('other@northwind.example.com')).not.toBe(hash);
	});

	test('every check within the window after a send finds it, wherever the bucket edges fall', () => {
		for (
			let sentAt = 1_700_000_000_000;
			sentAt < 1_700_000_000_000 + 10 * MINUTE;
			sentAt += 7_919
		) {
			for (let after = 0; after <= 10 * MINUTE; after += 30_011)
				expect(foundAt(window, sentAt, sentAt + after)).toBe(true);
			expect(foundAt(window, sentAt, sentAt + 10 * MINUTE)).toBe(true);
			expect(foundAt(window, sentAt, sentAt + 15 * MINUTE)).toBe(false);
			expect(foundAt(window, sentAt, sentAt - 5 * MINUTE - 1)).toBe(false);
		}
	});

	test("the record removes the not-sent marks of the buckets from the run's start to the record, none later", () => {
		const start = 1_700_000_000_000;
		const { remove } = recordMarks(window, hash, start, start + 7 * MINUTE);
		expect(remove).toContain(checkMarks(window, hash, start).unsent);
		expect(remove).toContain(checkMarks(window, hash, start + 7 * MINUTE).unsent);
		expect(remove).not.toContain(checkMarks(window, hash, start + 13 * MINUTE).unsent);
	});

	test('a long run covers from its start to the window after its end', () => {
		const start = 1_700_000_000_000;
		const runMs = 40 * MINUTE;
		for (let after = 0; after <= runMs + 10 * MINUTE; after += MINUTE)
			expect(foundAt(window, start, start + after, runMs)).toBe(true);
	});

	test('retried executions: found for 24 h, gone after 36 h; another window length does not match', () => {
		const sentAt = 1_700_000_123_456;
		for (let hours = 0; hours <= 24; hours += 0.5)
			expect(foundAt({ kind: 'retry' }, sentAt, sentAt + hours * 60 * MINUTE)).toBe(true);
		expect(foundAt({ kind: 'retry' }, sentAt, sentAt + 36 * 60 * MINUTE)).toBe(false);
		const other = checkMarks({ kind: 'window', minutes: 20 }, hash, sentAt);
		expect(recordMarks(window, hash, sentAt, sentAt).add).not.toContain(other.sent);
	});

	test('no string is one that versions before 0.2 wrote (w<minutes>:<bucket>:<hash>, r:<bucket>:<hash>)', () => {
		const at = 1_700_000_000_000;
		const strings = [
			...Object.values(checkMarks(window, hash, at)),
			...recordMarks({ kind: 'retry' }, hash, at, at).add,
		];
		for (const value of strings) expect(value).not.toMatch(/^(w\d+|r):\d+:/);
	});
});
