import type { ApiAnswer } from '../outcome/classify';
import { isTransientStatus } from '../outcome/classify';
import type { WaitBudget } from '../rateLimit/pauses';
import { MAX_RATE_LIMIT_WAIT_MS } from '../rateLimit/pauses';
import { pause } from '../pause';
import type { RateGate } from '../rateLimit/rateGate';

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

export type Attempted =
	| { kind: 'answer'; answer: ApiAnswer; attempts: number }
	| { kind: 'connectionFailure'; code: string; timedOut: boolean; attempts: number }
	/** Something other than the network failed (not retried): its own message. */
	| { kind: 'requestError'; message: string; attempts: number }
	| {
			kind: 'retryAfterTooLong';
			/** The item's last 429, if it got one (it may have waited behind others' 429s only). */
			answer?: ApiAnswer;
			waitSeconds: number;
			waitedSeconds: number;
			attempts: number;
	  }
	| { kind: 'cancelled'; attempts: number };

/**
 * The retry loop, per address: gateway errors (500, 502, 503, 504) and lost connections are
 * tried again up to `maxRetries` times, with exponential backoff and jitter. A 429 is the API
 * asking to wait, not a failure: the account's gate holds the item (and everyone else on that
 * account) for its Retry-After, without using up a retry, as long as the item's wait budget
 * (MAX_RATE_LIMIT_WAIT_MS in all) lasts. Any other answer is final and returned at once.
 */
export async function sendWithRetries(
	send: () => Promise<ApiAnswer>,
	gate: RateGate,
	maxRetries: number,
	signal?: AbortSignal,
): Promise<Attempted> {
	const budget: WaitBudget = { leftMs: MAX_RATE_LIMIT_WAIT_MS };
	const waitedSeconds = () => Math.round((MAX_RATE_LIMIT_WAIT_MS - budget.leftMs) / 1000);
	let retries = 0;
	let rateLimits = 0;
	let limitedBy: ApiAnswer | undefined;
	for (let attempts = 1; ; attempts++) {
		const admission = await gate.acquire(budget);
		if ('cancelled' in admission) return { kind: 'cancelled', attempts: attempts - 1 };
		if ('waitTooLongMs' in admission) {
			const waitSeconds = Math.ceil(admission.waitTooLongMs / 1000);
			return {
				kind: 'retryAfterTooLong',
				answer: limitedBy,
				waitSeconds,
				waitedSeconds: waitedSeconds(),
				attempts: attempts - 1,
			};
		}
		if (signal?.aborted) {
			gate.release();
			return { kind: 'cancelled', attempts: attempts - 1 };
		}
		let answer: ApiAnswer | undefined;
		let failure: { code: string; timedOut: boolean } | undefined;
		let requestError: string | undefined;
		const startedAt = Date.now();
		try {
			answer = await send();
		} catch (error) {
			const thrown = thrownFailure(error);
			if ('message' in thrown) requestError = thrown.message;
			else failure = thrown;
		} finally {
			gate.release();
		}
		if (signal?.aborted) return { kind: 'cancelled', attempts };
		if (requestError !== undefined)
			return { kind: 'requestError', message: requestError, attempts };
		if (answer && !isTransientStatus(answer.statusCode)) {
			gate.answered(Date.now() - startedAt);
			return { kind: 'answer', answer, attempts };
		}

		if (answer?.statusCode === 429) {
			limitedBy = answer;
			const waitMs = parseRetryAfter(answer, Date.now()) ?? backoff(++rateLimits);
			gate.rateLimited(admission.place, waitMs);
			if (waitMs > budget.leftMs) {
				const waitSeconds = Math.ceil(waitMs / 1000);
				return {
					kind: 'retryAfterTooLong',
					answer,
					waitSeconds,
					waitedSeconds: waitedSeconds(),
					attempts,
				};
			}
			// The gate holds this item, with every other request of the account, until the wait is over.
			continue;
		}
		if (++retries > maxRetries) {
			return answer
				? { kind: 'answer', answer, attempts }
				: { kind: 'connectionFailure', ...failure!, attempts };
		}
		await pause(backoff(retries), signal);
	}
}

/** 0.5 s, 1 s, 2 s, … up to 8 s, each between half and the whole of it. */
export function backoff(attempt: number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After in seconds or as an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(
	answer: Pick<ApiAnswer, 'retryAfter'>,
	now: number,
): number | undefined {
	const value = answer.retryAfter?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const TIMEOUT_CODES = new Set([
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
/** Failures of the network on the way, worth another attempt. Anything else is not. */
const NETWORK_CODES = new Set([
	...TIMEOUT_CODES,
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'EHOSTDOWN',
	'ENETUNREACH',
	'ENETDOWN',
	'ENETRESET',
]);

/**
 * What n8n's request helper threw: a network failure (its code), or anything else (a
 * configuration or programming error, a certificate n8n does not trust): then its own message.
 */
export function thrownFailure(
	error: unknown,
): { code: string; timedOut: boolean } | { message: string } {
	const seen = new Set<unknown>();
	let current: unknown = error;
	let message = '';
	while (typeof current === 'object' && current !== null && !seen.has(current)) {
		seen.add(current);
		// n8n-core 1.122 (n8n 1.123) throws a NodeApiError without its cause; the code is its httpCode.
		const {
			code: ownCode,
			httpCode,
			message: text,
			cause,
		} = current as { code?: unknown; httpCode?: unknown; message?: unknown; cause?: unknown };
		const code = typeof ownCode === 'string' ? ownCode : httpCode;
		if (typeof text === 'string' && text !== '') message = text;
		if (typeof code === 'string' && NETWORK_CODES.has(code)) {
			return { code, timedOut: TIMEOUT_CODES.has(code) || /timeout/i.test(String(text)) };
		}
		current = cause;
	}
	return { message: message.slice(0, 300) || String(error) };
}
