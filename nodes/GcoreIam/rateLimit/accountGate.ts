import { sleep } from 'n8n-workflow';

import { pause } from '../pause';

/** The most one item waits for the API's rate limits (429) in total; beyond that it fails. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;
/** The wake-up after a pause sleeps in slices of this: see dispatchAfterPause. */
const WAKE_SLICE_MS = 1_000;
/**
 * After this long without a 429, one more request may be in flight again. Each such try that
 * draws a 429 doubles the wait before the next, up to MAX_RECOVERY_MS: every failed try pauses
 * all of the account's requests for a Retry-After, and an API's limit seldom changes.
 */
export const RECOVERY_MS = 30_000;
const MAX_RECOVERY_MS = 600_000;

/**
 * Starts are paced at most this share of (fastest answer ÷ requests allowed in flight) apart,
 * and never more than MAX_PACING_GAP_MS: below the rate that many requests in flight reach, so
 * the API is never asked for less than it answers, and short enough that jittery answers are
 * barely held up.
 */
const PACING_SHARE = 0.75;
const MAX_PACING_GAP_MS = 3;
/** Gaps shorter than this are not kept: n8n's sleep could not keep them anyway. */
const MIN_PACING_GAP_MS = 1;

/** How much longer one item may wait for the API's rate limits. */
export interface WaitBudget {
	leftMs: number;
}

/** `place`: how many of the account's requests are in flight with this one (1 = alone). */
export type Admission = { place: number } | { cancelled: true } | { waitTooLongMs: number };

type Outcome = 'admitted' | 'cancelled' | 'tooLong';

interface Waiter {
	budget: WaitBudget;
	/** The account's paused time when this waiter got in line. */
	pausedAtEntry: number;
	settle(outcome: Outcome): void;
}

/**
 * What the node knows about one account's rate limit (one Base URL and API key), shared by
 * every run of the node in this n8n process: how many requests the API admits in flight, and
 * until when a 429 asked everyone to wait. Requests wait in one line, first come first served,
 * so that after a pause they leave one by one as slots free up instead of all at once.
 *
 * The runs together keep to the largest Concurrency among them (see `cap`). Within that, the
 * limit is unknown until the API answers 429; then it drops to what the API admitted and creeps
 * back up by one after RECOVERY_MS without a 429 (longer after each try that failed).
 *
 * Starts are also spread out a little (see `paceWait`). Without it the requests of one round
 * leave together, their answers come back together, and each waits for the others' share of
 * n8n's per-request work on the one event loop before the next request can leave: round
 * after round, a latency plus `limit` times that work instead of a latency plus one.
 */
export class AccountGate {
	private inFlight = 0;

	private limit = Infinity;

	private lastLimitedAt = 0;

	private recoveryMs = RECOVERY_MS;

	/** The limit was raised by `recover` and no 429 has come since. */
	private probing = false;

	private pausedUntil = 0;

	private pauseStartedAt = 0;

	/** Length of all pauses that have ended: with the current one, the account's paused time. */
	private endedPausesMs = 0;

	private queue: Waiter[] = [];

	/** Someone is waiting for the pause to end, to let the line move again. */
	private waking = false;

	/** Requests in flight when the current pause began that the API then answered (not 429). */
	private answeredAcrossPause = 0;

	/** The shortest time from a start to a final answer seen on this account. */
	private fastestAnswerMs = Infinity;

	/** When the next start is due (pacing). */
	private nextStartAt = 0;

	/** The Concurrency options of the runs using the account now: how many runs have each. */
	private readonly openRuns = new Map<number, number>();

	/** The largest key of openRuns (Infinity when none): asked several times per request, changed per run. */
	private largestConcurrency = Infinity;

	lastUsedAt = Date.now();

	/** How many requests may be in flight on the account now. */
	get admitted(): number {
		return Math.min(this.limit, this.cap());
	}

	/** Nothing in flight or waiting, no run using it and no pause pending: it can be forgotten. */
	isIdle(now: number): boolean {
		return this.openRuns.size === 0 && this.inFlight === 0 && this.queue.length === 0 && this.pausedUntil <= now;
	}

	open(concurrency: number): void {
		this.openRuns.set(concurrency, (this.openRuns.get(concurrency) ?? 0) + 1);
		this.largestConcurrency = Math.max(...this.openRuns.keys());
		this.lastUsedAt = Date.now();
	}

	close(concurrency: number): void {
		const runs = (this.openRuns.get(concurrency) ?? 1) - 1;
		if (runs > 0) this.openRuns.set(concurrency, runs);
		else this.openRuns.delete(concurrency);
		this.largestConcurrency = this.openRuns.size === 0 ? Infinity : Math.max(...this.openRuns.keys());
		this.lastUsedAt = Date.now();
		this.dispatch();
	}

	/**
	 * Waits for a slot within what the API admits and after any pause. Fails at once (waitTooLong)
	 * when the pause would outlast the item's budget; the time waited in pauses is taken from it.
	 */
	async acquire(budget: WaitBudget, signal?: AbortSignal): Promise<Admission> {
		for (;;) {
			if (signal?.aborted) return { cancelled: true };
			const pauseLeft = this.pausedUntil - Date.now();
			if (pauseLeft > budget.leftMs) return { waitTooLongMs: pauseLeft };
			const entered = await this.enter(budget, signal);
			if (entered === 'cancelled') return { cancelled: true };
			if (entered === 'tooLong') return { waitTooLongMs: Math.max(0, this.pausedUntil - Date.now()) };
			const waitMs = this.paceWait(Date.now());
			if (waitMs === 0) return { place: entered };
			await pause(waitMs, signal);
			if (signal?.aborted || this.pausedUntil <= Date.now()) return { place: entered };
			// A 429 arrived while this start waited for its turn: back in line behind the pause.
			this.release();
		}
	}

	release(): void {
		this.inFlight--;
		this.lastUsedAt = Date.now();
		this.dispatch();
	}

	/**
	 * A request got its final answer `ms` after it started. One that was in flight when the
	 * current pause began shows the API admitted that many at once: the order in which requests
	 * took their places is not the order in which they reached the API, so after a burst of
	 * requests sent at once, the places of the 429s alone would set the limit too low.
	 */
	answered(ms: number): void {
		if (ms < this.fastestAnswerMs) this.fastestAnswerMs = ms;
		if (Date.now() - ms < this.pauseStartedAt && ++this.answeredAcrossPause > this.limit) {
			this.limit = Math.min(this.answeredAcrossPause, this.cap());
		}
	}

	/** A request that was `place`-th in flight got a 429 asking to wait `waitMs`. */
	rateLimited(place: number, waitMs: number): void {
		const now = Date.now();
		this.limit = Math.max(1, Math.min(this.limit, this.cap(), place - 1));
		this.lastLimitedAt = now;
		if (this.probing) this.recoveryMs = Math.min(2 * this.recoveryMs, MAX_RECOVERY_MS);
		this.probing = false;
		if (now + waitMs > this.pausedUntil) {
			if (this.pausedUntil <= now) {
				this.endedPausesMs += this.pausedUntil - this.pauseStartedAt;
				this.pauseStartedAt = now;
				this.answeredAcrossPause = 0;
			}
			this.pausedUntil = now + waitMs;
			this.dropWaitersBeyondBudget(now);
		}
		this.dispatch();
	}

	private enter(budget: WaitBudget, signal?: AbortSignal): Promise<number | 'cancelled' | 'tooLong'> {
		const now = Date.now();
		this.lastUsedAt = now;
		this.recover(now);
		if (this.queue.length === 0 && this.pausedUntil <= now && this.inFlight < this.admitted) {
			return Promise.resolve(++this.inFlight);
		}
		return new Promise((resolve) => {
			const pausedAtEntry = this.pausedTime(now);
			const onAbort = () => {
				this.queue = this.queue.filter((other) => other !== waiter);
				waiter.settle('cancelled');
			};
			const waiter: Waiter = {
				budget,
				pausedAtEntry,
				settle: (outcome) => {
					signal?.removeEventListener('abort', onAbort);
					budget.leftMs -= this.pausedTime(Date.now()) - pausedAtEntry;
					resolve(outcome === 'admitted' ? ++this.inFlight : outcome);
				},
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.queue.push(waiter);
			this.dispatch();
		});
	}

	/** Lets waiters in, first come first served, as far as the limit and any pause allow. */
	private dispatch(): void {
		const now = Date.now();
		this.recover(now);
		if (this.pausedUntil > now) {
			if (this.queue.length > 0 && !this.waking) void this.dispatchAfterPause();
			return;
		}
		while (this.queue.length > 0 && this.inFlight < this.admitted) this.queue.shift()!.settle('admitted');
	}

	/** Sleeps in slices, so that once nobody waits (all cancelled) at most one slice is left behind. */
	private async dispatchAfterPause(): Promise<void> {
		this.waking = true;
		for (let left = this.pausedUntil - Date.now(); left > 0 && this.queue.length > 0; left = this.pausedUntil - Date.now()) {
			await sleep(Math.min(left, WAKE_SLICE_MS));
		}
		this.waking = false;
		this.dispatch();
	}

	/** A longer pause fails the waiters whose budget it would outlast, now rather than later. */
	private dropWaitersBeyondBudget(now: number): void {
		const pausedTime = this.pausedTime(now);
		const pauseLeft = this.pausedUntil - now;
		const tooLong = new Set(
			this.queue.filter((waiter) => pausedTime - waiter.pausedAtEntry + pauseLeft > waiter.budget.leftMs),
		);
		if (tooLong.size === 0) return;
		this.queue = this.queue.filter((waiter) => !tooLong.has(waiter));
		for (const waiter of tooLong) waiter.settle('tooLong');
	}

	/** How long this account has been paused in all, up to `now`. */
	private pausedTime(now: number): number {
		return this.endedPausesMs + Math.max(0, Math.min(now, this.pausedUntil) - this.pauseStartedAt);
	}

	/** How long a start (its slot already taken) must wait for its turn; 0: it goes now. */
	private paceWait(now: number): number {
		const allowed = this.admitted;
		if (!Number.isFinite(this.fastestAnswerMs) || !Number.isFinite(allowed)) return 0;
		const gap = Math.min((PACING_SHARE * this.fastestAnswerMs) / allowed, MAX_PACING_GAP_MS);
		if (gap < MIN_PACING_GAP_MS) return 0;
		const startAt = Math.max(now, this.nextStartAt);
		this.nextStartAt = startAt + gap;
		return startAt - now < MIN_PACING_GAP_MS ? 0 : startAt - now;
	}

	/**
	 * Together, the runs of an account keep to the largest Concurrency among them: a burst of
	 * executions does not multiply what one of them would send, and while the API's own limit is
	 * unknown, no more than that is asked of it.
	 */
	private cap(): number {
		return this.largestConcurrency;
	}

	private recover(now: number): void {
		if (this.limit < this.cap() && now - this.lastLimitedAt >= this.recoveryMs) {
			this.limit++;
			this.lastLimitedAt = now;
			this.probing = true;
		}
	}
}
