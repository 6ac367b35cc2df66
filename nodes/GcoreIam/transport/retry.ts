import type { ApiAnswer } from '../outcome/classify';
import { isTransientStatus } from '../outcome/classify';
import { pause } from './pause';
import type { RateGate } from './rateGate';
import { MAX_RETRY_AFTER_MS } from './rateGate';

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

export type Attempted =
	| { kind: 'answer'; answer: ApiAnswer; attempts: number }
	| { kind: 'connectionFailure'; code: string; timedOut: boolean; attempts: number }
	| { kind: 'retryAfterTooLong'; answer: ApiAnswer; waitSeconds: number; attempts: number }
	| { kind: 'cancelled'; attempts: number };

/**
 * The retry loop, per address: transient answers (429, 5xx of a gateway) and lost connections
 * are tried again up to `maxRetries` times, with exponential backoff and jitter, or after the
 * 429's Retry-After. Any other answer is final and returned at once.
 */
export async function sendWithRetries(
	send: () => Promise<ApiAnswer>,
	gate: RateGate,
	maxRetries: number,
	signal?: AbortSignal,
): Promise<Attempted> {
	for (let attempts = 1; ; attempts++) {
		// The gate lets a cancelled run through at once; the slot is handed back here.
		const place = await gate.acquire();
		if (signal?.aborted) {
			gate.release();
			return { kind: 'cancelled', attempts: attempts - 1 };
		}
		let answer: ApiAnswer | undefined;
		let failure: { code: string; timedOut: boolean } | undefined;
		const startedAt = Date.now();
		try {
			answer = await send();
		} catch (error) {
			failure = connectionFailure(error);
		} finally {
			gate.release();
		}
		if (signal?.aborted) return { kind: 'cancelled', attempts };
		if (answer && !isTransientStatus(answer.statusCode)) {
			gate.answered(Date.now() - startedAt);
			return { kind: 'answer', answer, attempts };
		}

		const retryAfterMs = answer?.statusCode === 429 ? parseRetryAfter(answer, Date.now()) : undefined;
		if (answer?.statusCode === 429) gate.rateLimited(place, retryAfterMs ?? backoff(attempts));
		if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS && answer) {
			return { kind: 'retryAfterTooLong', answer, waitSeconds: Math.ceil(retryAfterMs / 1000), attempts };
		}
		if (attempts > maxRetries) {
			return answer ? { kind: 'answer', answer, attempts } : { kind: 'connectionFailure', ...failure!, attempts };
		}
		// After a 429 the gate holds every request until Retry-After has passed.
		if (answer?.statusCode !== 429) await pause(backoff(attempts), signal);
	}
}

/** 0.5 s, 1 s, 2 s, … up to 8 s, each between half and the whole of it. */
export function backoff(attempt: number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After in seconds or as an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(answer: Pick<ApiAnswer, 'retryAfter'>, now: number): number | undefined {
	const value = answer.retryAfter?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** The network error code inside whatever n8n's request helper threw. */
function connectionFailure(error: unknown): { code: string; timedOut: boolean } {
	const seen = new Set<unknown>();
	let current: unknown = error;
	let message = '';
	while (typeof current === 'object' && current !== null && !seen.has(current)) {
		seen.add(current);
		// n8n-core 1.122 (n8n 1.123) throws a NodeApiError without its cause; the code is its httpCode.
		const { code: ownCode, httpCode, message: text, cause } = current as { code?: unknown; httpCode?: unknown; message?: unknown; cause?: unknown };
		const code = typeof ownCode === 'string' ? ownCode : httpCode;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
			return { code, timedOut: TIMEOUT_CODES.has(code) || /timeout/i.test(String(text)) };
		}
		if (!message && typeof text === 'string') message = text;
		current = cause;
	}
	return { code: message.slice(0, 120) || 'network error', timedOut: /timeout/i.test(message) };
}
