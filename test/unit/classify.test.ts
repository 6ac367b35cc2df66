import type { ApiAnswer, Verdict } from '../../nodes/GcoreIam/outcome/classify';
import {
	classify,
	isApiAccountAnswer,
	isTransientStatus,
} from '../../nodes/GcoreIam/outcome/classify';

const html404 =
	'<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>';

const json = (value: object) => JSON.stringify(value);
const answer = (statusCode: number, body = '', contentType?: string): ApiAnswer =>
	contentType === undefined ? { statusCode, body } : { statusCode, body, contentType };
const activated = 'This user already activated.';
const userNotFound = 'User with given email not found.';

// name, answer → route (and error reason), and the verdict's other fields that are compared
const table: Array<[string, ApiAnswer, string, Partial<Verdict>?]> = [
	['200 with an empty body', answer(200), 'sent'],
	['200 with JSON', answer(200, json({ status: 'ok' })), 'sent'],
	['204', answer(204), 'sent'],
	[
		'400 already activated',
		answer(400, json({ message: activated })),
		'alreadyActivated',
		{ message: activated },
	],
	[
		'400 already activated inside errors',
		answer(400, json({ errors: { email: [activated] } })),
		'alreadyActivated',
	],
	[
		'400 validation error',
		answer(400, json({ errors: { email: ['Enter a valid email address.'], x: ['bad'] } })),
		'error invalidRequest',
		{ fieldErrors: ['email: Enter a valid email address.', 'x: bad'] },
	],
	['400 empty', answer(400), 'error invalidRequest'],
	['404 JSON', answer(404, json({ message: userNotFound })), 'notFound', { message: userNotFound }],
	[
		'404 "User ... not found" as detail',
		answer(404, json({ detail: userNotFound })),
		'notFound',
		{ message: userNotFound },
	],
	// Not clearly the API's answer about this user: Not Found only after the account check.
	['404 empty', answer(404), 'error unconfirmedNotFound'],
	[
		'404 detail',
		answer(404, json({ detail: 'Not found.' })),
		'error unconfirmedNotFound',
		{ message: 'Not found.' },
	],
	[
		'404 plain text of a gateway',
		answer(404, '404 page not found\n', 'text/plain'),
		'error unconfirmedNotFound',
	],
	[
		'404 JSON of a gateway',
		answer(404, json({ message: 'no Route matched with those values' })),
		'error unconfirmedNotFound',
	],
	[
		'404 "user not found" as plain text',
		answer(404, userNotFound, 'text/plain'),
		'error unconfirmedNotFound',
	],
	[
		'404 HTML page (wrong base URL)',
		answer(404, html404, 'text/html'),
		'error endpointNotFound',
		{ message: '404 Not Found' },
	],
	[
		'404 HTML without content type',
		answer(404, '  <!DOCTYPE html><html></html>'),
		'error endpointNotFound',
	],
	[
		'401 echoing the token',
		answer(401, json({ message: 'Bad permanent token: abc' })),
		'error unauthorized',
		{ message: 'Bad permanent token: abc' },
	],
	['403', answer(403, json({ detail: 'Forbidden' })), 'error forbidden'],
	['429', answer(429), 'error rateLimited'],
	[
		'500 with request id',
		answer(500, json({ exception_class: 'Boom', message: 'Internal', request_id: 'r-1' })),
		'error serverError',
		{ message: 'Internal', requestId: 'r-1' },
	],
	[
		'502 HTML',
		answer(502, '<html><h1>502 Bad Gateway</h1></html>', 'text/html'),
		'error serverError',
		{ message: '502 Bad Gateway' },
	],
	[
		'request id from the header',
		{ statusCode: 503, body: '', requestIdHeader: 'hdr-7' },
		'error serverError',
		{ requestId: 'hdr-7' },
	],
	['418', answer(418, 'teapot'), 'error unexpectedStatus', { message: 'teapot' }],
	['302', answer(302), 'error unexpectedStatus'],
];

describe('classify: status + body → outcome', () => {
	test.each(table)('%s → %s', (_name, given, verdict, details = {}) => {
		const [route, reason] = verdict.split(' ');
		expect(classify(given)).toMatchObject({ route, ...(reason ? { reason } : {}), ...details });
	});

	test('a body that is not JSON is kept as the message, shortened', () => {
		expect(classify(answer(500, 'x'.repeat(1000))).message).toHaveLength(300);
	});
});

describe('a 404 that is not clearly the API\'s "user not found"', () => {
	test('a web page is a wrong Base URL even when the account check reached the API', () => {
		expect(classify(answer(404, html404, 'text/html'), true)).toMatchObject({
			reason: 'endpointNotFound',
		});
	});

	test('the API\'s own "user not found" needs no check', () => {
		expect(classify(answer(404, json({ message: userNotFound })), false)).toMatchObject({
			route: 'notFound',
		});
	});
});

describe('isApiAccountAnswer: what confirms the Base URL', () => {
	test.each<[string, ApiAnswer, boolean]>([
		[
			'200 with the account JSON',
			answer(200, json({ id: 1, email: 'r@example.com', status: 'active' })),
			true,
		],
		['200 with an HTML page', answer(200, '<html></html>', 'text/html'), false],
		['200 with a JSON list', answer(200, '[]'), false],
		['200 empty', answer(200), false],
		['404 JSON', answer(404, json({ message: 'no Route matched with those values' })), false],
		['401', answer(401, json({ message: 'Bad permanent token' })), false],
	])('%s → %s', (_name, given, expected) => {
		expect(isApiAccountAnswer(given)).toBe(expected);
	});
});

describe('isTransientStatus', () => {
	test.each([429, 500, 502, 503, 504])('%i is retried', (status) =>
		expect(isTransientStatus(status)).toBe(true),
	);
	test.each([200, 400, 401, 403, 404, 408, 418, 501])('%i is not', (status) =>
		expect(isTransientStatus(status)).toBe(false),
	);
});
