import { pause } from './pause';

/** Rate-limit pauses longer than this fail the item instead of holding the workflow. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** After this long without a 429, one more request may be in flight again. */
const RECOVERY_MS = 5_000;

/**
 * Starts are paced at most this share of (fastest answer ÷ limit) apart, and never more than
 * MAX_PACING_GAP_MS: below the rate that `limit` requests in flight reach, so the API is never
 * asked for less than it answers, and short enough that jittery answers are barely held up.
 */
const PACING_SHARE = 0.75;
const MAX_PACING_GAP_MS = 3;
/** Gaps shorter than this are not kept: n8n's sleep could not keep them anyway. */
const MIN_PACING_GAP_MS = 1;

/**
 * Admission for requests of one node run: at most `limit` in flight, and nobody sends while a
 * 429's Retry-After runs. The limit starts at the Concurrency option, drops to what the API
 * admitted when it answers 429, and creeps back up once the 429s stop.
 *
 * Starts are also spread out a little (see `paced`). Without it the requests of one round
 * leave together, their answers come back together, and each waits for the others' share of
 * n8n's per-request work on the one event loop before the next request can leave: round
 * after round, a latency plus `limit` times that work instead of a latency plus one.
 */
export class RateGate {
	private inFlight = 0;

	private limit: number;

	private pausedUntil = 0;

	private lastLimitedAt = 0;

	private readonly waiting: Array<() => void> = [];

	/** The shortest time from a start to a final answer seen in this run. */
	private fastestAnswerMs = Infinity;

	/** When the next start is due (pacing). */
	private nextStartAt = 0;

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
			if (this.inFlight < this.limit) {
				const place = ++this.inFlight;
				if (!(await this.paced(now)) || this.signal?.aborted || this.pausedUntil <= Date.now()) return place;
				// A 429 arrived while this start waited for its turn: back in line behind the pause.
				this.release();
				continue;
			}
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
	}

	/** A request got its final answer `ms` after it started. */
	answered(ms: number): void {
		if (ms < this.fastestAnswerMs) this.fastestAnswerMs = ms;
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

	/** Holds a start (its slot already taken) until its turn; true if it had to wait. */
	private async paced(now: number): Promise<boolean> {
		if (!Number.isFinite(this.fastestAnswerMs)) return false;
		const gap = Math.min((PACING_SHARE * this.fastestAnswerMs) / this.limit, MAX_PACING_GAP_MS);
		if (gap < MIN_PACING_GAP_MS) return false;
		const startAt = Math.max(now, this.nextStartAt);
		this.nextStartAt = startAt + gap;
		if (startAt - now < MIN_PACING_GAP_MS) return false;
		await pause(startAt - now, this.signal);
		return true;
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
