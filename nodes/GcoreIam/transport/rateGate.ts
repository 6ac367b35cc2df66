import { pause } from './pause';

/** Rate-limit pauses longer than this fail the item instead of holding the workflow. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** After this long without a 429, one more request may be in flight again. */
const RECOVERY_MS = 5_000;

/**
 * Admission for requests of one node run: at most `limit` in flight, and nobody sends while a
 * 429's Retry-After runs. The limit starts at the Concurrency option, drops to what the API
 * admitted when it answers 429, and creeps back up once the 429s stop.
 */
export class RateGate {
	private inFlight = 0;

	private limit: number;

	private pausedUntil = 0;

	private lastLimitedAt = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(
		private readonly maxInFlight: number,
		private readonly signal?: AbortSignal,
	) {
		this.limit = maxInFlight;
		signal?.addEventListener('abort', () => this.wakeAll(), { once: true });
	}

	/** Waits for a free slot; returns this request's place among those in flight (1 = alone). */
	async acquire(): Promise<number> {
		for (;;) {
			if (this.signal?.aborted) return ++this.inFlight;
			const now = Date.now();
			this.recover(now);
			if (this.pausedUntil > now) {
				await pause(this.pausedUntil - now, this.signal);
				continue;
			}
			if (this.inFlight < this.limit) return ++this.inFlight;
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
	}

	release(): void {
		this.inFlight--;
		this.waiting.shift()?.();
	}

	/** A request that was `place`-th in flight got a 429: the API admits fewer than that. */
	rateLimited(place: number, waitMs: number): void {
		const now = Date.now();
		this.limit = Math.max(1, Math.min(this.limit, place - 1));
		this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(waitMs, MAX_RETRY_AFTER_MS));
		this.lastLimitedAt = now;
	}

	get currentLimit(): number {
		return this.limit;
	}

	private recover(now: number): void {
		if (this.limit < this.maxInFlight && now - this.lastLimitedAt >= RECOVERY_MS) {
			this.limit++;
			this.lastLimitedAt = now;
			this.waiting.shift()?.();
		}
	}

	private wakeAll(): void {
		for (const wake of this.waiting.splice(0)) wake();
	}
}
