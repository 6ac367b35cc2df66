import type { ApiAnswer } from '../outcome/classify';
import { failsEveryAddress } from '../outcome/failure';
import { thrownFailure } from '../transport/retry';
import type { Failed, SendResult } from '../outcome/results';

/** Thrown into an address's retry loop in place of a request: it fails at once, unsent. */
class NotSent extends Error {}

/** What the guard did to one address's attempts. */
export interface Guarded {
	send: () => Promise<ApiAnswer>;
	/** Requests that went out. */
	sent: number;
	/** The run had stopped sending before the next attempt. */
	stopped: boolean;
	/** Held back while another address retried an unreachable host: try again once it is clear. */
	held: boolean;
}

/**
 * A failure every address would share (a rejected key, a wrong Base URL, a host that refuses
 * connections or does not exist) stops the run's sending, retries of other addresses included,
 * and the addresses not answered yet fail with that same error.
 *
 * While one address retries a refused connection or an unknown host, the others send nothing:
 * if its retries end the same way, nothing else goes out; if the host comes back, they go on,
 * with the retries they have left.
 */
export class RunStop {
	/** The failure that stopped the run, once one did. */
	failure: Failed | undefined;

	private suspect: { key: string; cleared: Promise<void>; clear: () => void } | undefined;

	guard(key: string, request: () => Promise<ApiAnswer>): Guarded {
		const guarded: Guarded = {
			sent: 0,
			stopped: false,
			held: false,
			send: async () => {
				if (this.failure) guarded.stopped = true;
				else if (this.suspect && this.suspect.key !== key) guarded.held = true;
				if (guarded.stopped || guarded.held) throw new NotSent('not sent');
				guarded.sent++;
				const answer = request();
				// Watches the failure on a side branch; the retry loop gets `answer` as it is.
				answer.catch((error: unknown) => this.watch(key, error));
				return await answer;
			},
		};
		return guarded;
	}

	/** An address got its result: the run stops if every address would fail the same way. */
	settled(key: string, result: SendResult): void {
		if (!this.failure && 'failure' in result && failsEveryAddress(result.failure))
			this.failure = { ...result, attempts: 0 };
		if (this.suspect?.key === key) {
			this.suspect.clear();
			this.suspect = undefined;
		}
	}

	/** Resolves when no address is retrying an unreachable host. */
	async clear(): Promise<void> {
		await this.suspect?.cleared;
	}

	private watch(key: string, error: unknown): void {
		const thrown = thrownFailure(error);
		if (
			this.suspect ||
			!('code' in thrown) ||
			!failsEveryAddress({ kind: 'connection', ...thrown })
		)
			return;
		let clear = () => {};
		const cleared = new Promise<void>((resolve) => (clear = resolve));
		this.suspect = { key, cleared, clear };
	}
}
