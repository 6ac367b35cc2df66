import { getEventListeners } from 'node:events';

import type { Admission } from '../../nodes/GcoreIam/rateLimit/accountGate';
import type { WaitBudget } from '../../nodes/GcoreIam/rateLimit/pauses';
import { RECOVERY_MS } from '../../nodes/GcoreIam/rateLimit/adaptiveLimit';
import { AccountGate } from '../../nodes/GcoreIam/rateLimit/accountGate';
import { MAX_RATE_LIMIT_WAIT_MS } from '../../nodes/GcoreIam/rateLimit/pauses';
import { RateGate } from '../../nodes/GcoreIam/rateLimit/rateGate';

const fullBudget = (): WaitBudget => ({ leftMs: MAX_RATE_LIMIT_WAIT_MS });
const place = (admission: Admission) => ('place' in admission ? admission.place : admission);

/** Starts an acquire and records when it is settled, without awaiting it. */
function track(pending: Promise<Admission>) {
	const state: { admission?: Admission } = {};
	void pending.then((admission) => (state.admission = admission));
	return state;
}

/** Moves the clock on by `ms`, lets one request through the account, and says what it admits now. */
async function admittedAfter(account: AccountGate, ms: number) {
	jest.setSystemTime(Date.now() + ms);
	await account.acquire(fullBudget());
	account.release();
	return account.admitted;
}

beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-26T12:00:00Z') }));
afterEach(() => jest.useRealTimers());

describe('what the API admits is learned per account, shared by all its runs', () => {
	test('unknown until a 429; one for the 6th in flight lowers it to 5; it creeps back once the 429s stop', async () => {
		const account = new AccountGate();
		expect(account.admitted).toBe(Infinity);
		account.rateLimited(6, 0);
		expect(account.admitted).toBe(5);

		expect(await admittedAfter(account, RECOVERY_MS - 1_000)).toBe(5);
		expect(await admittedAfter(account, 1_000)).toBe(6);
	});

	test('a try of one more that draws a 429 doubles the wait before the next try', async () => {
		const account = new AccountGate();
		account.rateLimited(6, 0);
		expect(await admittedAfter(account, RECOVERY_MS)).toBe(6);
		account.rateLimited(6, 0);
		expect(account.admitted).toBe(5);
		expect(await admittedAfter(account, RECOVERY_MS)).toBe(5);
		expect(await admittedAfter(account, RECOVERY_MS)).toBe(6);
		account.rateLimited(6, 0);
		expect(await admittedAfter(account, 3 * RECOVERY_MS)).toBe(5);
		expect(await admittedAfter(account, RECOVERY_MS)).toBe(6);
		// A try that held: the next one comes after the same wait, not a longer one.
		expect(await admittedAfter(account, 4 * RECOVERY_MS)).toBe(7);
	});

	test('requests sent together reach the API in another order: answers across the pause raise a 429 place set too low', async () => {
		const account = new AccountGate();
		const run = new RateGate(10, account);
		for (let i = 0; i < 10; i++) await run.acquire(fullBudget());
		await jest.advanceTimersByTimeAsync(5);
		// The 3rd to take its place was among the last to reach the API.
		run.rateLimited(3, 1_000);
		expect(account.admitted).toBe(2);
		await jest.advanceTimersByTimeAsync(15);
		for (let i = 0; i < 5; i++) run.answered(20);
		expect(account.admitted).toBe(5);
	});

	test('when the run with the largest Concurrency ends, the account keeps to the largest of the others', () => {
		const account = new AccountGate();
		const large = new RateGate(3, account);
		const small = new RateGate(1, account);
		expect(account.admitted).toBe(3);
		large.close();
		expect(account.admitted).toBe(1);
		small.close();
		expect(account.admitted).toBe(Infinity);
	});

	test('two runs on one account: each keeps to its Concurrency, both together to what the API admits', async () => {
		const account = new AccountGate();
		account.rateLimited(4, 0);
		const a = new RateGate(2, account);
		const b = new RateGate(3, account);
		expect(place(await a.acquire(fullBudget()))).toBe(1);
		expect(place(await a.acquire(fullBudget()))).toBe(2);
		const aThird = track(a.acquire(fullBudget()));
		expect(place(await b.acquire(fullBudget()))).toBe(3);
		const bSecond = track(b.acquire(fullBudget()));
		await jest.advanceTimersByTimeAsync(0);
		expect(aThird.admission).toBeUndefined();
		expect(bSecond.admission).toBeUndefined();

		// A frees a slot: B was first in the account's line, A's third is held by A's own cap till now.
		a.release();
		await jest.advanceTimersByTimeAsync(0);
		expect(bSecond.admission).toEqual({ place: 3 });
		expect(aThird.admission).toBeUndefined();
	});

	test('after a pause the waiting requests leave one per free slot, in the order they came', async () => {
		const account = new AccountGate();
		account.rateLimited(3, 1_000);
		const waiting = [...Array(5).keys()].map(() =>
			track(new RateGate(2, account).acquire(fullBudget())),
		);
		await jest.advanceTimersByTimeAsync(999);
		expect(waiting.filter((w) => w.admission)).toEqual([]);

		await jest.advanceTimersByTimeAsync(1);
		expect(waiting.map((w) => w.admission)).toEqual([
			{ place: 1 },
			{ place: 2 },
			undefined,
			undefined,
			undefined,
		]);
		account.release();
		await jest.advanceTimersByTimeAsync(0);
		expect(waiting.map((w) => w.admission)).toEqual([
			{ place: 1 },
			{ place: 2 },
			{ place: 2 },
			undefined,
			undefined,
		]);
	});
});

describe("an item's wait budget", () => {
	test('a pause longer than what is left of it fails the item at once', async () => {
		const account = new AccountGate();
		account.rateLimited(1, 61_000);
		expect(await account.acquire(fullBudget())).toEqual({ waitTooLongMs: 61_000 });
	});

	test('time waited in pauses is taken from it; requests in flight are not', async () => {
		const account = new AccountGate();
		account.rateLimited(2, 10_000);
		const budget = fullBudget();
		const waiting = track(account.acquire(budget));
		await jest.advanceTimersByTimeAsync(10_000);
		expect(waiting.admission).toEqual({ place: 1 });
		expect(budget.leftMs).toBe(50_000);
	});

	test('a waiter whose budget a longer pause would outlast leaves the line at once', async () => {
		const account = new AccountGate();
		account.rateLimited(2, 1_000);
		const short = track(account.acquire({ leftMs: 5_000 }));
		const long = track(account.acquire(fullBudget()));
		account.rateLimited(1, 8_000);
		await jest.advanceTimersByTimeAsync(0);
		expect(short.admission).toEqual({ waitTooLongMs: 8_000 });
		expect(long.admission).toBeUndefined();
		await jest.advanceTimersByTimeAsync(8_000);
		expect(long.admission).toEqual({ place: 1 });
	});
});

describe('cancelling a run', () => {
	test('a run leaves no listener behind on the execution signal', async () => {
		const execution = new AbortController();
		const account = new AccountGate();
		for (let run = 0; run < 3; run++) {
			const gate = new RateGate(2, account, execution.signal);
			await gate.acquire(fullBudget());
			gate.rateLimited(1, 500);
			gate.release();
			const waited = track(gate.acquire(fullBudget()));
			await jest.advanceTimersByTimeAsync(500);
			expect(waited.admission).toEqual({ place: 1 });
			gate.release();
			gate.close();
		}
		expect(getEventListeners(execution.signal, 'abort')).toHaveLength(0);
	});
});

describe('pacing (real timers)', () => {
	beforeEach(() => jest.useRealTimers());

	test('after a 40 ms answer, starts of a run with 10 allowed in flight keep to a schedule 3 ms apart', async () => {
		const gate = new RateGate(10, new AccountGate());
		gate.answered(40);
		const startedAt: number[] = [];
		for (let i = 0; i < 5; i++) {
			await gate.acquire(fullBudget());
			startedAt.push(performance.now());
		}
		// The k-th start is due 3k ms after the first; a late timer lets the next one catch up.
		expect(startedAt[4] - startedAt[0]).toBeGreaterThanOrEqual(4 * 3 - 1);
	});

	test('no pacing before any answer, nor when answers are fast', async () => {
		jest.useFakeTimers();
		try {
			// With the clock stopped, a start that had to wait would never come.
			const gate = new RateGate(10, new AccountGate());
			for (let i = 0; i < 5; i++) await gate.acquire(fullBudget());
			gate.answered(5);
			for (let i = 0; i < 4; i++) await gate.acquire(fullBudget());
			expect(jest.getTimerCount()).toBe(0);
		} finally {
			jest.useRealTimers();
		}
	});
});
