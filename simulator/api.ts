import { defaultFaultMessage } from './faults';
import { emailKey, type SimState } from './state';
import type { Fault, UnknownRouteStyle } from './types';

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

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// What a gateway in front of an API answers when the path is wrong (e.g. a wrong Base URL).
const NOT_FOUND_HTML =
	'<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n' +
	'<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
/** The 404 of a gateway's unknown route: nginx's page, Go's plain text, Kong's JSON. */
export const GATEWAY_NOT_FOUND: Record<UnknownRouteStyle, Answer> = {
	html: { status: 404, body: NOT_FOUND_HTML, contentType: 'text/html' },
	text: { status: 404, body: '404 page not found\n', contentType: 'text/plain; charset=utf-8' },
	json: { status: 404, body: { message: 'no Route matched with those values' } },
};

/** The 401 answer, or undefined when the header carries the right key. */
export function checkAuth(
	header: string | undefined,
	apiKey: string,
	requestId: string,
): Answer | undefined {
	const match = /^(\S+)\s+([\s\S]*)$/.exec(header ?? '');
	if (match && match[1].toLowerCase() === 'apikey' && match[2] === apiKey) return undefined;
	// Gcore echoes what it received: this lets tests prove the node redacts the key.
	const token = match ? match[2] : (header ?? '');
	return { status: 401, body: { message: `Bad permanent token: ${token}`, request_id: requestId } };
}

export function renewAnswer(
	state: SimState,
	authorization: string | undefined,
	body: unknown,
	requestId: string,
): Answer {
	const denied = checkAuth(authorization, state.settings.apiKey, requestId);
	if (denied) return denied;
	const email = emailOf(body)?.trim();
	if (email === undefined || !EMAIL_PATTERN.test(email)) {
		return {
			status: 400,
			body: { errors: { email: ['Enter a valid email address.'] }, request_id: requestId },
		};
	}
	const user = state.findUser(emailKey(email));
	if (!user)
		return {
			status: 404,
			body: { message: 'User with given email not found.', request_id: requestId },
		};
	if (user.status === 'active') {
		return {
			status: 400,
			body: { message: 'This user already activated.', request_id: requestId },
		};
	}
	return { status: 200 };
}

export function meAnswer(
	state: SimState,
	authorization: string | undefined,
	requestId: string,
): Answer {
	return (
		checkAuth(authorization, state.settings.apiKey, requestId) ?? {
			status: 200,
			body: { id: 1, email: 'reseller@example.com', status: 'active' },
		}
	);
}

export function methodNotAllowed(method: string, requestId: string): Answer {
	return {
		status: 405,
		body: { detail: `Method "${method}" not allowed.`, request_id: requestId },
	};
}

export function notFoundPage(style: UnknownRouteStyle): Answer {
	return GATEWAY_NOT_FOUND[style];
}

/**
 * The same error answer with the token it was sent in its message, as Gcore's 401 does:
 * with `echoKey` every error answer does, so a test can prove the node never shows it.
 */
export function withEchoedKey(answer: Answer, authorization: string | undefined): Answer {
	if (answer.status < 400 || typeof answer.body !== 'object') return answer;
	const token = /^\S+\s+([\s\S]*)$/.exec(authorization ?? '')?.[1] ?? authorization ?? '';
	const body = answer.body as Record<string, unknown>;
	const field =
		typeof body.detail === 'string' && typeof body.message !== 'string' ? 'detail' : 'message';
	const said = typeof body[field] === 'string' ? `${body[field] as string} ` : '';
	return { ...answer, body: { ...body, [field]: `${said}(token: ${token})` } };
}

export function rateLimited(retryAfter: number, requestId: string): Answer {
	return { status: 429, body: { message: 'Too many requests', request_id: requestId }, retryAfter };
}

/** The answer of a fault that has a status. */
export function faultAnswer(fault: Fault & { status: number }, requestId: string): Answer {
	return {
		status: fault.status,
		body: fault.body ?? { message: defaultFaultMessage(fault.status), request_id: requestId },
		contentType: fault.contentType,
		retryAfter: fault.retryAfter,
	};
}

/** The address in a request body, when it has one. */
export function emailOf(body: unknown): string | undefined {
	const email =
		typeof body === 'object' && body !== null ? (body as { email?: unknown }).email : undefined;
	return typeof email === 'string' ? email : undefined;
}
