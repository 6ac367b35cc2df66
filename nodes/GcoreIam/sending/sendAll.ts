import type { IExecuteFunctions } from 'n8n-workflow';

import type { Verdict } from '../outcome/classify';
import { classify, isApiAccountAnswer } from '../outcome/classify';
import type { Failure } from '../outcome/failure';
import { redactor } from '../outcome/redact';
import { credentialProblem } from '../transport/credentialCheck';
import { MAX_RATE_LIMIT_WAIT_MS } from '../rateLimit/pauses';
import { accountGate } from '../rateLimit/accounts';
import { RateGate } from '../rateLimit/rateGate';
import {
	ACCOUNT_PATH,
	prepareApiRequest,
	RENEW_INVITATION_PATH,
} from '../transport/renewInvitation';
import type { Attempted } from '../transport/retry';
import { sendWithRetries } from '../transport/retry';
import { RunStop } from './runStop';
import type { Recipient, SendResult } from '../outcome/results';
import type { RunSettings } from '../runSettings';

const PROGRESS_EVERY_MS = 10_000;
const MAX_WAIT_SECONDS = MAX_RATE_LIMIT_WAIT_MS / 1000;

export interface SendOptions {
	/** "Stop Workflow": the first failure stops new sends. */
	stopAtFailure: boolean;
	/** Told of each address's result as it comes. */
	onResult: (key: string, result: SendResult) => void;
}

/**
 * Sends one request per recipient (with retries), at most `concurrency` in flight. The
 * credential is checked first: a mistake in it fails every address without a request. A
 * failure that every address would share stops all sending (see RunStop).
 */
export async function sendAll(
	context: IExecuteFunctions,
	settings: RunSettings,
	recipients: Recipient[],
	{ stopAtFailure, onResult }: SendOptions,
): Promise<Map<string, SendResult>> {
	const results = new Map<string, SendResult>();
	if (recipients.length === 0) return results;
	const problem = credentialProblem(settings.baseUrl, settings.apiKey);
	if (problem) {
		for (const recipient of recipients)
			results.set(recipient.key, { failure: { kind: 'config', problem }, attempts: 0 });
		return results;
	}
	const request = prepareApiRequest(context, settings);
	const signal = context.getExecutionCancelSignal();
	const gate = new RateGate(
		settings.concurrency,
		accountGate(settings.baseUrl, settings.apiKey),
		signal,
	);
	const stop = new RunStop();
	const hideKey = redactor(settings.apiKey);
	// Asked once per run, on the first 404 that is not clearly the API's "user not found".
	let apiCheck: Promise<boolean> | undefined;
	const apiConfirmed = async () =>
		await (apiCheck ??= sendWithRetries(
			async () => await request({ method: 'GET', path: ACCOUNT_PATH }),
			gate,
			settings.maxRetries,
			signal,
		).then((attempted) => attempted.kind === 'answer' && isApiAccountAnswer(attempted.answer)));
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
		const body = { email: recipient.email };
		const guarded = stop.guard(
			recipient.key,
			async () => await request({ method: 'POST', path: RENEW_INVITATION_PATH, body }),
		);
		let attempted = await sendWithRetries(guarded.send, gate, settings.maxRetries, signal);
		while (guarded.held) {
			await stop.clear();
			guarded.held = false;
			// Its next attempt is a retry when it has sent before: the retries it has left.
			const retriesLeft = Math.max(0, settings.maxRetries - guarded.sent);
			attempted = await sendWithRetries(guarded.send, gate, retriesLeft, signal);
		}
		if (guarded.stopped && stop.failure) return { ...stop.failure, attempts: guarded.sent };
		attempted = { ...attempted, attempts: guarded.sent };
		const result = toSendResult(attempted, hideKey);
		if (
			!(
				'failure' in result &&
				result.failure.kind === 'api' &&
				result.failure.verdict.reason === 'unconfirmedNotFound'
			)
		)
			return result;
		return toSendResult(attempted, hideKey, await apiConfirmed());
	};

	// Workers beyond `concurrency` wait at the gate; they keep it busy while others back off.
	const worker = async () => {
		while (next < recipients.length && !stopped && !signal?.aborted) {
			const recipient = recipients[next++];
			const result = await send(recipient);
			results.set(recipient.key, result);
			stop.settled(recipient.key, result);
			onResult(recipient.key, result);
			reportProgress();
			if ('failure' in result && (stopAtFailure || stop.failure)) stopped = true;
		}
	};
	const workers = Math.min(recipients.length, settings.concurrency * 4);
	try {
		await Promise.all(Array.from({ length: workers }, worker));
	} finally {
		gate.close();
	}

	const { failure } = stop;
	if (failure)
		for (const recipient of recipients)
			if (!results.has(recipient.key)) {
				results.set(recipient.key, failure);
				onResult(recipient.key, failure);
			}
	return results;
}

/** `hideKey`: the run's redaction of the API key (see redact.ts). */
function toSendResult(
	attempted: Attempted,
	hideKey: (text: string) => string,
	apiConfirmed?: boolean,
): SendResult {
	const { attempts } = attempted;
	switch (attempted.kind) {
		case 'cancelled':
			return { failure: { kind: 'connection', code: 'cancelled', timedOut: false }, attempts };
		case 'connectionFailure':
			return {
				failure: { kind: 'connection', code: attempted.code, timedOut: attempted.timedOut },
				attempts,
			};
		case 'requestError':
			return { failure: { kind: 'request', message: hideKey(attempted.message) }, attempts };
		case 'retryAfterTooLong': {
			const verdict = attempted.answer
				? safeVerdict(classify(attempted.answer), hideKey)
				: undefined;
			const { waitSeconds, waitedSeconds } = attempted;
			return {
				failure: {
					kind: 'retryAfterTooLong',
					statusCode: 429,
					waitSeconds,
					waitedSeconds,
					maxWaitSeconds: MAX_WAIT_SECONDS,
					verdict,
				},
				attempts,
				statusCode: 429,
				message: verdict?.message,
				requestId: verdict?.requestId,
			};
		}
		case 'answer': {
			const { statusCode } = attempted.answer;
			const verdict = safeVerdict(classify(attempted.answer, apiConfirmed), hideKey);
			const { message, requestId } = verdict;
			if (verdict.route !== 'error')
				return { answer: { route: verdict.route, statusCode, attempts, message, requestId } };
			const failure: Failure = { kind: 'api', statusCode, verdict };
			return { failure, attempts, statusCode, message, requestId };
		}
	}
}

function safeVerdict(verdict: Verdict, hideKey: (text: string) => string): Verdict {
	return {
		...verdict,
		message: verdict.message === undefined ? undefined : hideKey(verdict.message),
		requestId: verdict.requestId === undefined ? undefined : hideKey(verdict.requestId),
		fieldErrors: verdict.fieldErrors?.map(hideKey),
	};
}
