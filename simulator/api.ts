/** Gcore's answers, as pure functions of the request. */
import { STATUS_CODES } from 'node:http';
import type { Fault, SimUser, UnknownRouteStyle } from './types';

export interface Answer {
	status: number;
	/** undefined: no body; an object: JSON */
	body?: string | object;
	contentType?: string;
	retryAfter?: string | number;
}

export const RENEW_PATH = '/iam/auth/renew_invitation';
export const ME_PATH = '/iam/clients/me';

const NOT_FOUND_HTML =
	'<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n' +
	'<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
/** What a gateway in front of the API answers for a wrong path (e.g. a wrong Base URL). */
export const GATEWAY_NOT_FOUND: Record<UnknownRouteStyle, Answer> = {
	html: { status: 404, body: NOT_FOUND_HTML, contentType: 'text/html' },
	text: { status: 404, body: '404 page not found\n', contentType: 'text/plain; charset=utf-8' },
	json: { status: 404, body: { message: 'no Route matched with those values' } },
};

export const emailKey = (email: string): string => email.toLowerCase();

const error = (status: number, message: string, requestId: string): Answer => ({
	status,
	body: { message, request_id: requestId },
});

/** The token after the header's first word. */
const tokenOf = (header = '') => /^\S+\s+([\s\S]*)$/.exec(header)?.[1] ?? header;

/** The 401 answer (echoing what it got, as Gcore does), or undefined for the right key. */
export function checkAuth(header: string | undefined, apiKey: string, id: string) {
	if (header === `apikey ${apiKey}`) return undefined;
	return error(401, `Bad permanent token: ${tokenOf(header)}`, id);
}

export const ME_ANSWER: Answer = {
	status: 200,
	body: { id: 1, email: 'reseller@example.com', status: 'active' },
};

/** Gcore's answer to an authorized renew_invitation (the node never sends an invalid address). */
export function renewAnswer(key: string | undefined, users: Map<string, SimUser>, id: string) {
	const user = key === undefined ? undefined : users.get(key);
	if (!user) return error(404, 'User with given email not found.', id);
	if (user.status === 'active') return error(400, 'This user already activated.', id);
	return { status: 200 };
}

/** A fault's answer (it has a status), or a 429 to a request above maxInFlight. */
export function faultAnswer(fault: Fault, requestId: string): Answer {
	const status = fault.status ?? 429;
	const message = status === 429 ? 'Too many requests' : (STATUS_CODES[status] ?? 'Error');
	const { body = { message, request_id: requestId }, contentType, retryAfter } = fault;
	return { status, body, contentType, retryAfter };
}

/** With `echoKey`: an error answer's JSON message ends with the token it was sent. */
export function withEchoedKey(answer: Answer, authorization: string | undefined): Answer {
	if (answer.status < 400 || typeof answer.body !== 'object') return answer;
	const body = answer.body as { message?: unknown };
	const said = typeof body.message === 'string' ? `${body.message} ` : '';
	return { ...answer, body: { ...body, message: `${said}(token: ${tokenOf(authorization)})` } };
}
