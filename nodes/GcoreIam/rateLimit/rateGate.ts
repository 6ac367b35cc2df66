import type { AccountGate, Admission } from './accountGate';
import type { WaitBudget } from './pauses';

/**
 * Admission for the requests of one node run: at most `concurrency` of them in flight (the
 * Concurrency option), then a place in the account's shared line (see AccountGate). Cancelling
 * the run ends only its own waits. `close()` when the run ends.
 */
export class RateGate {
	private inFlight = 0;

	private readonly waiting: Array<() => void> = [];

	private readonly wakeAll = () => {
		for (const wake of this.waiting.splice(0)) wake();
	};

	constructor(
		private readonly concurrency: number,
		private readonly account: AccountGate,
		private readonly signal?: AbortSignal,
	) {
		account.open(concurrency);
		signal?.addEventListener('abort', this.wakeAll, { once: true });
	}

	async acquire(budget: WaitBudget): Promise<Admission> {
		while (this.inFlight >= this.concurrency && !this.signal?.aborted) {
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
		if (this.signal?.aborted) return { cancelled: true };
		this.inFlight++;
		const admission = await this.account.acquire(budget, this.signal);
		if (!('place' in admission)) this.leave();
		return admission;
	}

	release(): void {
		this.account.release();
		this.leave();
	}

	/** A request got its final answer `ms` after it started. */
	answered(ms: number): void {
		this.account.answered(ms);
	}

	/** A request that was `place`-th in flight on the account got a 429 asking to wait `waitMs`. */
	rateLimited(place: number, waitMs: number): void {
		this.account.rateLimited(place, waitMs);
	}

	get currentLimit(): number {
		return Math.min(this.concurrency, this.account.admitted);
	}

	/** The run is over: nothing of it stays on the execution's signal or in the account's tally. */
	close(): void {
		this.signal?.removeEventListener('abort', this.wakeAll);
		this.account.close(this.concurrency);
	}

	private leave(): void {
		this.inFlight--;
		this.waiting.shift()?.();
	}
}
