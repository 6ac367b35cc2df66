import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Verdict } from './classify';
import { redact } from './redact';

/** Why an item could not be routed to one of the three outputs. */
export type Failure =
	| { kind: 'invalidEmail'; value: unknown; reason: InvalidEmailReason }
	| { kind: 'expression'; message: string }
	/** The credential's settings cannot work (no request was sent): what to fix, in words. */
	| { kind: 'config'; problem: string }
	| { kind: 'api'; statusCode: number; verdict: Verdict }
	| { kind: 'connection'; code: string; timedOut: boolean }
	/** n8n's request helper failed for a reason other than the network. */
	| { kind: 'request'; message: string }
	| {
			kind: 'retryAfterTooLong';
			statusCode: number;
			/** What the API (still) asks to wait. */
			waitSeconds: number;
			/** What this item has already waited for rate limits, of at most maxWaitSeconds. */
			waitedSeconds: number;
			maxWaitSeconds: number;
			/** The item's own 429 answer; none when it only waited behind other requests' 429s. */
			verdict?: Verdict;
	  };

export type InvalidEmailReason =
	| 'empty'
	| 'notText'
	| 'controlCharacter'
	| 'severalAddresses'
	| 'tooLong'
	| 'notAnAddress';

/** Connection failures that do not depend on the address: the host refuses or does not exist. */
const UNREACHABLE_HOST = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/**
 * Whether every other address would meet the same failure: then the run stops sending, the
 * way it does for a rejected API key. (A 403 is not among them: it may concern one customer
 * only, e.g. one of another client; a timeout or a reset may be this request's bad luck.)
 */
export function failsEveryAddress(failure: Failure): boolean {
	switch (failure.kind) {
		case 'config':
		case 'request':
			return true;
		case 'connection':
			return UNREACHABLE_HOST.has(failure.code);
		case 'api':
			return (
				failure.verdict.reason === 'unauthorized' || failure.verdict.reason === 'endpointNotFound'
			);
		default:
			return false;
	}
}

export interface FailureContext {
	itemIndex: number;
	email: string;
	attempts: number;
	baseUrl: string;
	timeoutMs: number;
	apiKey: string;
}

interface Explanation {
	message: string;
	description: string;
}

/** The one place that turns a failure into the error n8n shows, with the API key removed. */
export function buildItemError(
	node: INode,
	failure: Failure,
	context: FailureContext,
): NodeApiError | NodeOperationError {
	const { message, description } = explain(failure, context);
	// n8n's own nodes name the item at the end: "… [item 3]".
	const safeMessage = `${redact(message, context.apiKey)} [item ${context.itemIndex}]`;
	const safeDescription = redact(description, context.apiKey);
	if (
		failure.kind === 'invalidEmail' ||
		failure.kind === 'expression' ||
		failure.kind === 'config'
	) {
		return new NodeOperationError(node, safeMessage, {
			description: safeDescription,
			itemIndex: context.itemIndex,
		});
	}
	const httpCode = 'statusCode' in failure ? String(failure.statusCode) : undefined;
	const error = new NodeApiError(node, { message: safeMessage } as JsonObject, {
		message: safeMessage,
		description: safeDescription,
		httpCode,
		itemIndex: context.itemIndex,
	});
	// NodeApiError swaps a message that mentions a network code (ECONNRESET, …) for stock text.
	error.message = safeMessage;
	error.messages = [];
	error.context.itemIndex = context.itemIndex;
	return error;
}

function explain(failure: Failure, context: FailureContext): Explanation {
	const who = context.email;
	// 0 attempts: another address met the same failure first, and the run stopped sending.
	const tries =
		context.attempts === 0
			? 'not sent: another address failed the same way'
			: context.attempts === 1
				? '1 attempt'
				: `${context.attempts} attempts`;
	switch (failure.kind) {
		case 'invalidEmail':
			return {
				message: describeInvalidEmail(failure.value, failure.reason),
				description:
					"No request was sent for this item. Set the node's Email field to the customer's address; by default it reads {{ $json.email }} from the incoming item.",
			};
		case 'expression':
			return {
				message: `The Email expression could not be evaluated: ${failure.message}`,
				description:
					"No request was sent for this item. Fix the node's Email field so that it gives the customer's address.",
			};
		case 'config':
			return {
				message: `${who} was not sent: ${lowerFirst(failure.problem)}`,
				description:
					'Fix it in the Gcore IAM credential (Credentials → Gcore IAM API). No request was sent: the node checks the credential before the first request of a run.',
			};
		case 'request':
			return {
				message: `${who}: the request could not be made (${tries}): ${failure.message}`,
				description:
					'This is not a network failure, so it was not retried, and no other address was sent. Check the Base URL and the API Key in the Gcore IAM credential.',
			};
		case 'connection':
			return failure.timedOut
				? {
						message: `${who}: no answer from the Gcore API within ${context.timeoutMs} ms (${tries})`,
						description:
							'Raise the Timeout option or try again later. The API may have acted on a request it did not answer in time, so the customer may already have the email.',
					}
				: {
						message: `${who}: could not reach ${context.baseUrl} (${failure.code}, ${tries})`,
						description:
							'Check the Base URL in the Gcore IAM credential and the network between n8n and the API.',
					};
		case 'retryAfterTooLong': {
			const advice =
				'Nothing was sent for this customer that the API accepted: it answered 429 (rate limited). Try again later. ' +
				'With many executions at once, let fewer run at the same time (for example with N8N_CONCURRENCY_PRODUCTION_LIMIT) or lower the Concurrency option.';
			return {
				message:
					failure.waitedSeconds > 0
						? `${who}: the Gcore API kept rate limiting (429): this item waited ${failure.waitedSeconds} s and the API asks for ${failure.waitSeconds} s more, beyond the ${failure.maxWaitSeconds} s this node waits for one item`
						: `${who}: the Gcore API is rate limiting and asks to wait ${failure.waitSeconds} s, longer than this node waits (${failure.maxWaitSeconds} s)`,
				description: failure.verdict ? withApiDetails(advice, failure.verdict) : advice,
			};
		}
		case 'api':
			return explainApiAnswer(who, tries, failure.statusCode, failure.verdict, context.baseUrl);
	}
}

function explainApiAnswer(
	who: string,
	tries: string,
	status: number,
	verdict: Verdict,
	baseUrl: string,
): Explanation {
	switch (verdict.reason) {
		case 'endpointNotFound':
			return {
				message: `${who}: the endpoint was not found at ${baseUrl}: check the Base URL`,
				description: withApiDetails(
					'The server answered 404 with a web page instead of the Gcore API. Set the Base URL in the Gcore IAM credential to your API address (https://api.gcore.com unless your reseller API runs on your own domain).',
					verdict,
				),
			};
		case 'invalidRequest':
			return {
				message: `${who}: the Gcore API rejected the request (400)${verdict.fieldErrors ? `: ${verdict.fieldErrors.join('; ')}` : verdict.message ? `: ${verdict.message}` : ''}`,
				description: withApiDetails('Check the email address of this item.', verdict),
			};
		case 'unauthorized':
			return {
				message: `${who}: the Gcore API rejected the API key (401): check the Gcore IAM credential`,
				description: withApiDetails(
					'Create a permanent API token in the Gcore Customer Portal and paste it into the credential.',
					verdict,
				),
			};
		case 'forbidden':
			return {
				message: `${who}: the API key may not resend this invitation (403)`,
				description: withApiDetails(
					'The customer may belong to another client, or the token lacks reseller rights: check the Gcore IAM credential.',
					verdict,
				),
			};
		case 'rateLimited':
			return {
				message: `${who}: still rate limited by the Gcore API (429) after ${tries}`,
				description: withApiDetails(
					'Lower the Concurrency option, raise Max Retries, or try again later.',
					verdict,
				),
			};
		case 'serverError':
			return {
				message: `${who}: the Gcore API failed with status ${status} after ${tries}${verdict.message ? `: ${verdict.message}` : ''}`,
				description: withApiDetails(
					'Try again later. If it persists, contact Gcore support with the request id.',
					verdict,
				),
			};
		default:
			return {
				message: `${who}: unexpected answer ${status} from the Gcore API${verdict.message ? `: ${verdict.message}` : ''}`,
				description: withApiDetails(
					'Check the Base URL and the API key in the Gcore IAM credential.',
					verdict,
				),
			};
	}
}

function withApiDetails(advice: string, verdict: Verdict): string {
	const parts = [advice];
	if (verdict.message) parts.push(`The API said: "${verdict.message}".`);
	if (verdict.requestId) parts.push(`Request id: ${verdict.requestId}.`);
	return parts.join(' ');
}

const SHOWN_CHARACTERS = 80;

function describeInvalidEmail(value: unknown, reason: InvalidEmailReason): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	// JSON quoting shows control characters as \u0000, \r, \n instead of writing them out.
	const short = text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text;
	const shown = JSON.stringify(short);
	switch (reason) {
		case 'empty':
			return 'The email address is empty';
		case 'notText': {
			const type = typeof value;
			const what = Array.isArray(value) ? 'a list' : type === 'object' ? 'an object' : `a ${type}`;
			return `${short} (${what}) is not an email address`;
		}
		case 'controlCharacter':
			return `${shown} contains a control character (such as a line break, tab or NUL) and was not sent: remove it from the data`;
		case 'severalAddresses':
			return `${shown} holds more than one address: give each item one address (split the list into items first)`;
		case 'tooLong':
			return `${shown} (${text.length} characters) is too long to be an email address`;
		case 'notAnAddress':
			return `${shown} is not a valid email address`;
	}
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}
