import {
	CLAIM_BUCKET_MS,
	addressHash,
	askedTokens,
	checkTokens,
	claimBucket,
	claimToken,
	readCheck,
	recordTokens,
} from '../../nodes/GcoreIam/acrossExecutions/tokens';

const MINUTE = 60_000;
const hash = addressHash('maria.garcia@northwind.example.com');
const window = { kind: 'window', minutes: 10 } as const;

/**
 * Whether a check at `checkedAt` reads "sent" after a run from `sentAt` recorded a 2xx at its end:
 * the sent mark is there, and the not-sent mark is gone. Checks in the record's bucket or before
 * may have written a not-sent mark (the run's own check did): the record removes those. A bucket
 * after the record's has none, since no check asked in it before the record.
 */
function foundAt(
	family: typeof window | { kind: 'retry' },
	sentAt: number,
	checkedAt: number,
	runMs = 0,
): boolean {
	const recordedAt = sentAt + runMs;
	const { add, remove } = recordTokens(family, hash, sentAt, recordedAt);
	const asked = checkTokens(family, hash, checkedAt);
	const laterBucket =
		asked.unsent !== checkTokens(family, hash, recordedAt).unsent && checkedAt > recordedAt;
	return add.includes(asked.sent) && (laterBucket || remove.includes(asked.unsent));
}

describe('what a recorded send writes and what a check asks for', () => {
	test('the address is hashed, never written in clear', () => {
		expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(JSON.stringify(checkTokens(window, hash, 0))).not.toMatch(/maria|northwind/);
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
		const { remove } = recordTokens(window, hash, start, start + 7 * MINUTE);
		expect(remove).toContain(checkTokens(window, hash, start).unsent);
		expect(remove).toContain(checkTokens(window, hash, start + 7 * MINUTE).unsent);
		expect(remove).not.toContain(checkTokens(window, hash, start + 13 * MINUTE).unsent);
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
		const other = checkTokens({ kind: 'window', minutes: 20 }, hash, sentAt);
		expect(recordTokens(window, hash, sentAt, sentAt).add).not.toContain(other.sent);
	});

	test('a claim is asked in its 15 s bucket; a claimant renewing the next bucket is seen throughout', () => {
		const at = 1_700_000_000_000;
		expect(checkTokens(window, hash, at).claim).toBe(claimToken(claimBucket(at), hash));
		expect(claimBucket(at + 15_000)).toBe(claimBucket(at) + 1);
		expect(claimToken(1, hash)).not.toBe(claimToken(2, hash));
	});

	test('near the end of a claim bucket, a check also writes the next bucket’s claim; elsewhere the same one', () => {
		const start = claimBucket(1_700_000_000_000) * CLAIM_BUCKET_MS;
		const early = checkTokens(window, hash, start + 1_000);
		expect(early.ahead).toBe(early.claim);
		expect(askedTokens(early)).toEqual([early.sent, early.unsent, early.claim]);
		const late = checkTokens(window, hash, start + CLAIM_BUCKET_MS - 500);
		expect(late.ahead).toBe(claimToken(claimBucket(start) + 1, hash));
		expect(askedTokens(late)).toEqual([late.sent, late.unsent, late.claim, late.ahead]);
	});

	describe('what a check read, and what it takes back', () => {
		const start = claimBucket(1_700_000_000_000) * CLAIM_BUCKET_MS;
		const asked = checkTokens(window, hash, start + CLAIM_BUCKET_MS - 500);
		const found = (...values: string[]) => new Set(values);
		test.each([
			['nothing there: free, and it holds both claims', found(), 'free', []],
			[
				'claimed by a run that already holds the next bucket: nothing to take back',
				found(asked.claim, asked.ahead),
				'claimed',
				[],
			],
			[
				'claimed by a run that does not hold the next bucket yet: the next bucket’s claim goes again',
				found(asked.claim),
				'claimed',
				[asked.ahead],
			],
			[
				'sent (its mark there, no not-sent mark): the not-sent mark and both claims go again',
				found(asked.sent),
				'sent',
				[asked.unsent, asked.claim, asked.ahead],
			],
			[
				'sent while another run holds the claims: only the not-sent mark goes again',
				found(asked.sent, asked.claim, asked.ahead),
				'sent',
				[asked.unsent],
			],
			[
				'a check wrote both marks before: not sent, claimed',
				found(asked.sent, asked.unsent, asked.claim, asked.ahead),
				'claimed',
				[],
			],
			[
				'a check of a dead run wrote both marks, its claim expired: not sent, free',
				found(asked.sent, asked.unsent),
				'free',
				[],
			],
		])('%s', (_, there, state, takeBack) => {
			expect(readCheck(asked, there)).toEqual({ state, takeBack });
		});
	});

	test('no string is one that versions before 0.2 wrote (w<minutes>:<bucket>:<hash>, r:<bucket>:<hash>)', () => {
		const at = 1_700_000_000_000;
		const strings = [
			...Object.values(checkTokens(window, hash, at)),
			...recordTokens({ kind: 'retry' }, hash, at, at).add,
		];
		for (const value of strings) expect(value).not.toMatch(/^(w\d+|r):\d+:/);
	});
});
