/**
 * What one answer of POST /iam/auth/renew_invitation means. Pure: status + body in, verdict out.
 * The three routes are the node's outputs; everything else is an error with a reason.
 */
export type Route = 'sent' | 'alreadyActivated' | 'notFound';

export type ErrorReason =
	| 'endpointNotFound'
	/** A 404 that is not clearly the API's "user not found": the Base URL must be confirmed first. */
	| 'unconfirmedNotFound'
	| 'invalidRequest'
	| 'unauthorized'
	| 'forbidden'
	| 'rateLimited'
	| 'serverError'
	| 'unexpectedStatus';

export interface ApiAnswer {
	statusCode: number;
	/** The raw body text ('' when empty). */
	body: string;
	contentType?: string;
	/** From the x-request-id header, when the API sent one. */
	requestIdHeader?: string;
	/** The Retry-After header, as sent. */
	retryAfter?: string;
}

export interface Verdict {
	route: Route | 'error';
	reason?: ErrorReason;
	/** The API's own words, when it gave any. */
	message?: string;
	/** Field messages of a validation error, as "field: message". */
	fieldErrors?: string[];
	requestId?: string;
}

const ALREADY_ACTIVATED = /already\s+activ/i;
const USER_NOT_FOUND = /\buser\b[^.]*\bnot\s+found\b/i;

/**
 * `apiConfirmed`: whether this run's account check (GET /iam/clients/me) got the API's answer.
 * Only needed for a 404 that is not clearly the API's "user not found" (reason
 * 'unconfirmedNotFound' until it is known).
 */
export function classify(answer: ApiAnswer, apiConfirmed?: boolean): Verdict {
	const { statusCode } = answer;
	const parsed = parseBody(answer);
	const details = {
		message: parsed.message,
		requestId: parsed.requestId ?? answer.requestIdHeader,
	};
	const fieldErrors = parsed.fieldErrors.length > 0 ? parsed.fieldErrors : undefined;

	if (statusCode >= 200 && statusCode < 300) return { route: 'sent', ...details };
	if (statusCode === 400) {
		const texts = [parsed.message, ...parsed.fieldErrors];
		if (texts.some((text) => text !== undefined && ALREADY_ACTIVATED.test(text))) {
			return { route: 'alreadyActivated', ...details };
		}
		return { route: 'error', reason: 'invalidRequest', fieldErrors, ...details };
	}
	if (statusCode === 404) {
		// Gcore documents the 404 ("User with given email not found") but not its body. A
		// gateway in front of a wrong Base URL answers 404 too, so only the API's own words
		// count; anything else is Not Found only once the account check reached the API. A web
		// page is never the API's answer.
		if (parsed.isJson && parsed.message !== undefined && USER_NOT_FOUND.test(parsed.message))
			return { route: 'notFound', ...details };
		if (parsed.isHtml || apiConfirmed === false)
			return { route: 'error', reason: 'endpointNotFound', ...details };
		if (apiConfirmed) return { route: 'notFound', ...details };
		return { route: 'error', reason: 'unconfirmedNotFound', ...details };
	}
	if (statusCode === 401) return { route: 'error', reason: 'unauthorized', ...details };
	if (statusCode === 403) return { route: 'error', reason: 'forbidden', ...details };
	if (statusCode === 429) return { route: 'error', reason: 'rateLimited', ...details };
	if (statusCode >= 500) return { route: 'error', reason: 'serverError', fieldErrors, ...details };
	return { route: 'error', reason: 'unexpectedStatus', fieldErrors, ...details };
}

/** The account check reached the API: 2xx with a JSON object, as GET /iam/clients/me answers. */
export function isApiAccountAnswer(answer: ApiAnswer): boolean {
	if (answer.statusCode < 200 || answer.statusCode >= 300) return false;
	try {
		return isRecord(JSON.parse(answer.body));
	} catch {
		return false;
	}
}

/** 429 and the 5xx a gateway or an overloaded API answers: worth another attempt. */
export function isTransientStatus(statusCode: number): boolean {
	return (
		statusCode === 429 ||
		statusCode === 500 ||
		statusCode === 502 ||
		statusCode === 503 ||
		statusCode === 504
	);
}

interface ParsedBody {
	isHtml: boolean;
	isJson?: boolean;
	message?: string;
	requestId?: string;
	fieldErrors: string[];
}

function parseBody({ body, contentType }: ApiAnswer): ParsedBody {
	const text = body.trim();
	const looksHtml = /html/i.test(contentType ?? '') || text.startsWith('<');
	if (text === '') return { isHtml: false, fieldErrors: [] };
	if (looksHtml) return { isHtml: true, message: htmlTitle(text), fieldErrors: [] };

	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return { isHtml: false, message: text.slice(0, 300), fieldErrors: [] };
	}
	if (!isRecord(json)) return { isHtml: false, fieldErrors: [] };
	return {
		isHtml: false,
		isJson: true,
		message: firstString(json.message, json.detail, json.error),
		requestId: firstString(json.request_id, json.requestId),
		fieldErrors: fieldMessages(json.errors),
	};
}

function fieldMessages(errors: unknown): string[] {
	if (!isRecord(errors)) return [];
	const lines: string[] = [];
	for (const [field, messages] of Object.entries(errors)) {
		const list = Array.isArray(messages) ? messages : [messages];
		for (const message of list) {
			if (typeof message === 'string') lines.push(`${field}: ${message}`);
		}
	}
	return lines;
}

function htmlTitle(html: string): string | undefined {
	const match = /<title>([^<]*)<\/title>|<h1>([^<]*)<\/h1>/i.exec(html);
	const title = match?.[1] ?? match?.[2];
	return title?.trim() || undefined;
}

function firstString(...values: unknown[]): string | undefined {
	for (const value of values) {
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
	}
	return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
