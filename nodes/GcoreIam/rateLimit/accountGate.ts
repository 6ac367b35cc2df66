import { sleep } from 'n8n-workflow';

import { pause } from '../pause';
import { AdaptiveLimit } from './adaptiveLimit';
import { Pacing } from './pacing';
import type { WaitBudget } from './pauses';
import { Pauses } from './pauses';

/** The wake-up after a pause sleeps in slices of this: see dispatchAfterPause. */
const WAKE_SLICE_MS = 1_000;

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
 * The line of one account (one Base URL and API key), shared by every run of the node in the
 * same n8n process: requests wait in one line, first come first served, so that after a pause they
 * leave one by one as slots free up instead of all at once. A request is admitted within the
 * learned limit (AdaptiveLimit), after any 429 pause (Pauses), at its paced start (Pacing).
 *
 * The runs together keep to the largest Concurrency among them (see `cap`).
 */
export class AccountGate {
	private inFlight = 0;

	private readonly limit = new AdaptiveLimit();

	private readonly pauses = new Pauses();

	private readonly pacing = new Pacing();

	private queue: Waiter[] = [];

	/** Someone is waiting for the pause to end, to let the line move again. */
	private waking = false;

	/** The Concurrency options of the runs using the account now: how many runs have each. */
	private readonly openRuns = new Map<number, number>();

	/** The largest key of openRuns (Infinity when none): asked several times per request, changed per run. */
	private largestConcurrency = Infinity;

	lastUsedAt = Date.now();

	/** How many requests may be in flight on the account now. */
	get admitted(): number {
		return Math.min(this.limit.value, this.cap());
	}

	/** Nothing in flight or waiting, no run using it and no pause pending: it can be forgotten. */
	isIdle(now: number): boolean {
		return (
			this.openRuns.size === 0 &&
			this.inFlight === 0 &&
			this.queue.length === 0 &&
			this.pauses.leftMs(now) <= 0
		);
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
		this.largestConcurrency =
			this.openRuns.size === 0 ? Infinity : Math.max(...this.openRuns.keys());
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
			const pauseLeft = this.pauses.leftMs(Date.now());
			if (pauseLeft > budget.leftMs) return { waitTooLongMs: pauseLeft };
			const entered = await this.enter(budget, signal);
			if (entered === 'cancelled') return { cancelled: true };
			if (entered === 'tooLong')
				return { waitTooLongMs: Math.max(0, this.pauses.leftMs(Date.now())) };
			const waitMs = this.pacing.wait(Date.now(), this.admitted);
			if (waitMs === 0) return { place: entered };
			await pause(waitMs, signal);
			if (signal?.aborted || this.pauses.leftMs(Date.now()) <= 0) return { place: entered };
			// A 429 arrived while this start waited for its turn: back in line behind the pause.
			this.release();
		}
	}

	release(): void {
		this.inFlight--;
		this.lastUsedAt = Date.now();
		this.dispatch();
	}

	/** A request got its final answer `ms` after it started. */
	answered(ms: number): void {
		this.pacing.answered(ms);
		if (Date.now() - ms < this.pauses.startedAt) this.limit.answeredAcross(this.cap());
	}

	/** A request that was `place`-th in flight got a 429 asking to wait `waitMs`. */
	rateLimited(place: number, waitMs: number): void {
		const now = Date.now();
		this.limit.limited(place, this.cap(), now);
		const pause = this.pauses.extend(now, waitMs);
		if (pause === 'new') this.limit.pauseBegan();
		if (pause !== 'within') this.dropWaitersBeyondBudget(now);
		this.dispatch();
	}

	private enter(
		budget: WaitBudget,
		signal?: AbortSignal,
	): Promise<number | 'cancelled' | 'tooLong'> {
		const now = Date.now();
		this.lastUsedAt = now;
		this.limit.recover(now, this.cap());
		if (this.queue.length === 0 && this.pauses.leftMs(now) <= 0 && this.inFlight < this.admitted) {
			return Promise.resolve(++this.inFlight);
		}
		return new Promise((resolve) => {
			const pausedAtEntry = this.pauses.pausedTime(now);
			const onAbort = () => {
				this.queue = this.queue.filter((other) => other !== waiter);
				waiter.settle('cancelled');
			};
			const waiter: Waiter = {
				budget,
				pausedAtEntry,
				settle: (outcome) => {
					signal?.removeEventListener('abort', onAbort);
					budget.leftMs -= this.pauses.pausedTime(Date.now()) - pausedAtEntry;
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
		this.limit.recover(now, this.cap());
		if (this.pauses.leftMs(now) > 0) {
			if (this.queue.length > 0 && !this.waking) void this.dispatchAfterPause();
			return;
		}
		while (this.queue.length > 0 && this.inFlight < this.admitted)
			this.queue.shift()!.settle('admitted');
	}

	/** Sleeps in slices, so that once nobody waits (all cancelled) at most one slice is left behind. */
	private async dispatchAfterPause(): Promise<void> {
		this.waking = true;
		for (
			let left = this.pauses.leftMs(Date.now());
			left > 0 && this.queue.length > 0;
			left = this.pauses.leftMs(Date.now())
		) {
			await sleep(Math.min(left, WAKE_SLICE_MS));
		}
		this.waking = false;
		this.dispatch();
	}

	/** A longer pause fails the waiters whose budget it would outlast, now rather than later. */
	private dropWaitersBeyondBudget(now: number): void {
		const pausedTime = this.pauses.pausedTime(now);
		const pauseLeft = this.pauses.leftMs(now);
		const tooLong = new Set(
			this.queue.filter(
				(waiter) => pausedTime - waiter.pausedAtEntry + pauseLeft > waiter.budget.leftMs,
			),
		);
		if (tooLong.size === 0) return;
		this.queue = this.queue.filter((waiter) => !tooLong.has(waiter));
		for (const waiter of tooLong) waiter.settle('tooLong');
	}

	/**
	 * Together, the runs of an account keep to the largest Concurrency among them: a burst of
	 * executions does not multiply what one of them would send, and while the API's own limit is
	 * unknown, no more than that is asked of it.
	 */
	private cap(): number {
		return this.largestConcurrency;
	}
}
