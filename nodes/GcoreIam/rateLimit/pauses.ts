/** The most one item waits for the API's rate limits (429) in total; beyond that it fails. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** How much longer one item may wait for the API's rate limits. */
export interface WaitBudget {
	leftMs: number;
}

/**
 * The pauses a 429's Retry-After puts on one account: until when no request may start, and how
 * long the account has been paused in all (what a waiting item's budget is charged).
 */
export class Pauses {
	private pausedUntil = 0;

	private pauseStartedAt = 0;

	/** Length of all pauses that have ended: with the current one, the account's paused time. */
	private endedPausesMs = 0;

	/** When the current (or last) pause began. */
	get startedAt(): number {
		return this.pauseStartedAt;
	}

	/** How long the pause has left (0 or less: none). */
	leftMs(now: number): number {
		return this.pausedUntil - now;
	}

	/** How long this account has been paused in all, up to `now`. */
	pausedTime(now: number): number {
		return this.endedPausesMs + Math.max(0, Math.min(now, this.pausedUntil) - this.pauseStartedAt);
	}

	/** A 429 asks to wait `waitMs` from now: 'new' when no pause was running, 'longer' when it outlasts the one that was. */
	extend(now: number, waitMs: number): 'new' | 'longer' | 'within' {
		if (now + waitMs <= this.pausedUntil) return 'within';
		const fresh = this.pausedUntil <= now;
		if (fresh) {
			this.endedPausesMs += this.pausedUntil - this.pauseStartedAt;
			this.pauseStartedAt = now;
		}
		this.pausedUntil = now + waitMs;
		return fresh ? 'new' : 'longer';
	}
}
