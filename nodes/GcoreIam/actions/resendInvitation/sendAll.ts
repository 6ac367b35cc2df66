import type { IExecuteFunctions } from 'n8n-workflow';

import type { Verdict } from '../../outcome/classify';
import { classify, isApiAccountAnswer } from '../../outcome/classify';
import type { Failure } from '../../outcome/failure';
import { failsEveryAddress } from '../../outcome/failure';
import { redact } from '../../outcome/redact';
import { credentialProblem } from '../../transport/credentialCheck';
import { RateGate } from '../../transport/rateGate';
import { ACCOUNT_PATH, prepareApiRequest, RENEW_INVITATION_PATH } from '../../transport/renewInvitation';
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

/** Thrown into the retry loops of addresses still going when the run stopped sending. */
class RunStopped extends Error {}

/**
 * Sends one request per recipient (with retries), at most `concurrency` in flight. Final answers
 * are also written to `remembered`. The credential is checked first: a mistake in it fails
 * every address without a request. In stop mode the first failure stops new sends; in every
 * mode a failure that every address would share stops all sending, retries included, and
 * the addresses not answered yet fail with that same error.
 */
export async function sendAll(
	context: IExecuteFunctions,
	settings: RunSettings,
	recipients: Recipient[],
	remembered: Map<string, FinalAnswer>,
): Promise<Map<string, SendResult>> {
	const results = new Map<string, SendResult>();
	if (recipients.length === 0) return results;
	const problem = credentialProblem(settings.baseUrl, settings.apiKey);
	if (problem) {
		for (const recipient of recipients) results.set(recipient.key, { failure: { kind: 'config', problem }, attempts: 0 });
		return results;
	}
	const request = prepareApiRequest(context, settings);
	const signal = context.getExecutionCancelSignal();
	const gate = new RateGate(settings.concurrency, signal);
	let shared: FailedSend | undefined;
	// Asked once per run, on the first 404 that is not clearly the API's "user not found".
	let apiCheck: Promise<boolean> | undefined;
	const apiConfirmed = async () =>
		await (apiCheck ??= sendWithRetries(async () => await request({ method: 'GET', path: ACCOUNT_PATH }), gate, settings.maxRetries, signal).then(
			(attempted) => attempted.kind === 'answer' && isApiAccountAnswer(attempted.answer),
		));
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
		let stoppedHere = false;
		const attempted = await sendWithRetries(
			async () => {
				if (shared) {
					stoppedHere = true;
					throw new RunStopped('the run stopped sending');
				}
				return await request({ method: 'POST', path: RENEW_INVITATION_PATH, body: { email: recipient.email } });
			},
			gate,
			settings.maxRetries,
			signal,
		);
		if (stoppedHere && shared) return { ...shared, attempts: attempted.attempts - 1 };
		const result = toSendResult(attempted, settings.apiKey);
		if (!('failure' in result && result.failure.kind === 'api' && result.failure.verdict.reason === 'unconfirmedNotFound')) return result;
		return toSendResult(attempted, settings.apiKey, await apiConfirmed());
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
			if (!shared && failsEveryAddress(result.failure)) {
				shared = { ...result, attempts: 0 };
				stopped = true;
			}
		}
	};
	const workers = Math.min(recipients.length, settings.concurrency * 4);
	await Promise.all(Array.from({ length: workers }, worker));

	if (shared) {
		for (const recipient of recipients) if (!results.has(recipient.key)) results.set(recipient.key, shared);
	}
	return results;
}

function toSendResult(attempted: Attempted, apiKey: string, apiConfirmed?: boolean): SendResult {
	const { attempts } = attempted;
	switch (attempted.kind) {
		case 'cancelled':
			return { failure: { kind: 'connection', code: 'cancelled', timedOut: false }, attempts };
		case 'connectionFailure':
			return { failure: { kind: 'connection', code: attempted.code, timedOut: attempted.timedOut }, attempts };
		case 'requestError':
			return { failure: { kind: 'request', message: redact(attempted.message, apiKey) }, attempts };
		case 'retryAfterTooLong':
		case 'answer': {
			const { statusCode } = attempted.answer;
			const verdict = safeVerdict(classify(attempted.answer, apiConfirmed), apiKey);
			const { message, requestId } = verdict;
			if (verdict.route !== 'error') return { answer: { route: verdict.route, statusCode, attempts, message, requestId } };
			const failure: Failure =
				attempted.kind === 'retryAfterTooLong'
					? { kind: 'retryAfterTooLong', statusCode, waitSeconds: attempted.waitSeconds, verdict }
					: { kind: 'api', statusCode, verdict };
			return { failure, attempts, statusCode, message, requestId };
		}
	}
}

function safeVerdict(verdict: Verdict, apiKey: string): Verdict {
	return {
		...verdict,
		message: verdict.message === undefined ? undefined : redact(verdict.message, apiKey),
		requestId: verdict.requestId === undefined ? undefined : redact(verdict.requestId, apiKey),
		fieldErrors: verdict.fieldErrors?.map((line) => redact(line, apiKey)),
	};
}
