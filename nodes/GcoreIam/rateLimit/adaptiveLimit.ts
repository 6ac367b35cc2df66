/**
 * After this long without a 429, one more request may be in flight again. Each such try that
 * draws a 429 doubles the wait before the next, up to MAX_RECOVERY_MS: every failed try pauses
 * all of the account's requests for a Retry-After, and an API's limit seldom changes.
 */
export const RECOVERY_MS = 30_000;
const MAX_RECOVERY_MS = 600_000;

/**
 * How many requests the API admits in flight on one account, as learned: unknown (Infinity)
 * until the API answers 429; then what it admitted, creeping back up by one after RECOVERY_MS
 * without a 429 (longer after each try that failed). Never above `cap`, the most the runs
 * using the account ask for.
 */
export class AdaptiveLimit {
	private limit = Infinity;

	private lastLimitedAt = 0;

	private recoveryMs = RECOVERY_MS;

	/** The limit was raised by `recover` and no 429 has come since. */
	private probing = false;

	/** Requests in flight when the current pause began that the API then answered (not 429). */
	private answeredAcrossPause = 0;

	get value(): number {
		return this.limit;
	}

	/** A request that was `place`-th in flight got a 429. */
	limited(place: number, cap: number, now: number): void {
		this.limit = Math.max(1, Math.min(this.limit, cap, place - 1));
		this.lastLimitedAt = now;
		if (this.probing) this.recoveryMs = Math.min(2 * this.recoveryMs, MAX_RECOVERY_MS);
		this.probing = false;
	}

	/** A new pause began: the count of answers across it starts again. */
	pauseBegan(): void {
		this.answeredAcrossPause = 0;
	}

	/**
	 * A request in flight when the current pause began got its answer: the API admitted that many
	 * at once. The order in which requests took their places is not the order in which they
	 * reached the API, so after a burst sent at once, the places of the 429s alone would set the
	 * limit too low.
	 */
	answeredAcross(cap: number): void {
		if (++this.answeredAcrossPause > this.limit)
			this.limit = Math.min(this.answeredAcrossPause, cap);
	}

	recover(now: number, cap: number): void {
		if (this.limit < cap && now - this.lastLimitedAt >= this.recoveryMs) {
			this.limit++;
			this.lastLimitedAt = now;
			this.probing = true;
		}
	}
}
