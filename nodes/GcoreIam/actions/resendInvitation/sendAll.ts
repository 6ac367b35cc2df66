import type { IExecuteFunctions } from 'n8n-workflow';

import type { Verdict } from '../../outcome/classify';
import { classify } from '../../outcome/classify';
import type { Failure } from '../../outcome/failure';
import { redact } from '../../outcome/redact';
import { MAX_RATE_LIMIT_WAIT_MS } from '../../transport/accountGate';
import { accountGate } from '../../transport/accounts';
import { RateGate } from '../../transport/rateGate';
import { prepareRenewal } from '../../transport/renewInvitation';
import type { Attempted } from '../../transport/retry';
import { sendWithRetries } from '../../transport/retry';
import type { FinalAnswer } from './answerMemory';
import type { FailedItem } from './routeItems';
import type { RunSettings } from './settings';

export interface Recipient {
	key: string;
	email: string;
}

export type FailedSend = Omit<FailedItem, 'email'>;
export type SendResult = { answer: FinalAnswer } | FailedSend;

const PROGRESS_EVERY_MS = 10_000;
const MAX_WAIT_SECONDS = MAX_RATE_LIMIT_WAIT_MS / 1000;

// These answers would be the same for every address, so the rest are not sent. (A 403 is not
// among them: it may concern one customer only, e.g. one of another client.)
const FAILS_EVERY_ADDRESS = new Set(['unauthorized', 'endpointNotFound']);

/**
 * Sends one request per recipient (with retries), at most `concurrency` in flight. Final answers
 * are also written to `remembered`. In stop mode the first failure stops new sends; in the
 * continue modes only a failure that every address would share does.
 */
export async function sendAll(
	context: IExecuteFunctions,
	settings: RunSettings,
	recipients: Recipient[],
	remembered: Map<string, FinalAnswer>,
): Promise<Map<string, SendResult>> {
	const results = new Map<string, SendResult>();
	if (recipients.length === 0) return results;
	const renew = prepareRenewal(context, settings);
	const signal = context.getExecutionCancelSignal();
	const gate = new RateGate(settings.concurrency, await accountGate(settings.baseUrl, settings.apiKey), signal);
	let shared: SendResult | undefined;
	let stopped = false;
	let next = 0;
	let lastProgressAt = Date.now();
	const reportProgress = () => {
		if (Date.now() - lastProgressAt < PROGRESS_EVERY_MS) return;
		lastProgressAt = Date.now();
		context.logger.info(
			`Gcore IAM "${context.getNode().name}": ${results.size} of ${recipients.length} addresses answered, ${gate.currentLimit} requests at a time`,
		);
	};

	const send = async (recipient: Recipient): Promise<SendResult> => {
		const attempted = await sendWithRetries(
			async () => await renew(recipient.email),
			gate,
			settings.maxRetries,
			signal,
		);
		return toSendResult(attempted, settings.apiKey);
	};

	// Workers beyond `concurrency` wait at the gate; they keep it busy while others back off.
	const worker = async () => {
		while (next < recipients.length && !stopped && !signal?.aborted) {
			const recipient = recipients[next++];
			const result = await send(recipient);
			results.set(recipient.key, result);
			reportProgress();
			if ('answer' in result) {
				remembered.set(recipient.key, result.answer);
				continue;
			}
			if (settings.errorMode === 'stop') stopped = true;
			if (result.failure.kind === 'api' && FAILS_EVERY_ADDRESS.has(result.failure.verdict.reason ?? '')) {
				shared = { ...result, attempts: 0 };
				stopped = true;
			}
		}
	};
	const workers = Math.min(recipients.length, settings.concurrency * 4);
	try {
		await Promise.all(Array.from({ length: workers }, worker));
	} finally {
		gate.close();
	}

	if (shared) {
		for (const recipient of recipients) if (!results.has(recipient.key)) results.set(recipient.key, shared);
	}
	return results;
}

function toSendResult(attempted: Attempted, apiKey: string): SendResult {
	const { attempts } = attempted;
	switch (attempted.kind) {
		case 'cancelled':
			return { failure: { kind: 'connection', code: 'cancelled', timedOut: false }, attempts };
		case 'connectionFailure':
			return { failure: { kind: 'connection', code: attempted.code, timedOut: attempted.timedOut }, attempts };
		case 'retryAfterTooLong': {
			const verdict = attempted.answer ? safeVerdict(classify(attempted.answer), apiKey) : undefined;
			const { waitSeconds, waitedSeconds } = attempted;
			return {
				failure: { kind: 'retryAfterTooLong', statusCode: 429, waitSeconds, waitedSeconds, maxWaitSeconds: MAX_WAIT_SECONDS, verdict },
				attempts,
				statusCode: 429,
				message: verdict?.message,
				requestId: verdict?.requestId,
			};
		}
		case 'answer': {
			const { statusCode } = attempted.answer;
			const verdict = safeVerdict(classify(attempted.answer), apiKey);
			const { message, requestId } = verdict;
			if (verdict.route !== 'error') return { answer: { route: verdict.route, statusCode, attempts, message, requestId } };
			const failure: Failure = { kind: 'api', statusCode, verdict };
			return { failure, attempts, statusCode, message, requestId };
		}
	}
}

function safeVerdict(verdict: Verdict, apiKey: string): Verdict {
	return {
		...verdict,
		message: verdict.message === undefined ? undefined : redact(verdict.message, apiKey),
		fieldErrors: verdict.fieldErrors?.map((line) => redact(line, apiKey)),
	};
}
