/** Gcore's answers, as pure functions of the request. */
import { STATUS_CODES } from 'node:http';
import type { Fault, SimUser, UnknownRouteStyle } from './types';

/** An HTTP answer before it is written. */
export interface Answer {
	status: number;
	/** undefined = empty body; object → JSON. */
	body?: string | object;
	contentType?: string;
	retryAfter?: string | number;
}

export const RENEW_PATH = '/iam/auth/renew_invitation';
export const ME_PATH = '/iam/clients/me';

const NOT_FOUND_HTML =
	'<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n' +
	'<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
/** What a gateway in front of the API answers for a wrong path (e.g. a wrong Base URL): nginx's page, Go's plain text, Kong's JSON. */
export const GATEWAY_NOT_FOUND: Record<UnknownRouteStyle, Answer> = {
	html: { status: 404, body: NOT_FOUND_HTML, contentType: 'text/html' },
	text: { status: 404, body: '404 page not found\n', contentType: 'text/plain; charset=utf-8' },
	json: { status: 404, body: { message: 'no Route matched with those values' } },
};

/** How the simulator compares addresses: trimmed and lower-cased. */
export function emailKey(email: string): string {
	return email.trim().toLowerCase();
}

/** The address in a request body, when it has one. */
export function emailOf(body: unknown): string | undefined {
	const email = (body as { email?: unknown } | null)?.email;
	return typeof email === 'string' ? email : undefined;
}

function error(status: number, body: object, requestId: string): Answer {
	return { status, body: { ...body, request_id: requestId } };
}

/** The 401 answer, or undefined when the header carries the right key. */
export function checkAuth(
	header: string | undefined,
	apiKey: string,
	requestId: string,
): Answer | undefined {
	const match = /^(\S+)\s+([\s\S]*)$/.exec(header ?? '');
	if (match && match[1].toLowerCase() === 'apikey' && match[2] === apiKey) return undefined;
	// Gcore echoes what it received: this lets tests prove the node redacts the key.
	return error(
		401,
		{ message: `Bad permanent token: ${match ? match[2] : (header ?? '')}` },
		requestId,
	);
}

export const ME_ANSWER: Answer = {
	status: 200,
	body: { id: 1, email: 'reseller@example.com', status: 'active' },
};

/** Gcore's answer to an authorized renew_invitation. */
export function renewAnswer(body: unknown, users: Map<string, SimUser>, requestId: string): Answer {
	const email = emailOf(body)?.trim();
	if (email === undefined || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
		return error(400, { errors: { email: ['Enter a valid email address.'] } }, requestId);
	const user = users.get(emailKey(email));
	if (!user) return error(404, { message: 'User with given email not found.' }, requestId);
	if (user.status === 'active')
		return error(400, { message: 'This user already activated.' }, requestId);
	return { status: 200 };
}

/** A fault's answer (it has a status), or a 429 to a request above maxInFlight. */
export function faultAnswer(fault: Fault, requestId: string): Answer {
	const status = fault.status ?? 429;
	const message = status === 429 ? 'Too many requests' : (STATUS_CODES[status] ?? 'Error');
	const { body = { message, request_id: requestId }, contentType, retryAfter } = fault;
	return { status, body, contentType, retryAfter };
}

/**
 * With `echoKey`, an error answer puts the token it was sent in its message, as Gcore's 401 does,
 * so a test can prove the node never shows it.
 */
export function withEchoedKey(answer: Answer, authorization: string | undefined): Answer {
	if (answer.status < 400 || typeof answer.body !== 'object') return answer;
	const token = /^\S+\s+([\s\S]*)$/.exec(authorization ?? '')?.[1] ?? authorization ?? '';
	const body = answer.body as { message?: unknown };
	const said = typeof body.message === 'string' ? `${body.message} ` : '';
	return { ...answer, body: { ...body, message: `${said}(token: ${token})` } };
}
