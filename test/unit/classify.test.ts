import type { ApiAnswer, Verdict } from '../../nodes/GcoreIam/outcome/classify';
import {
	classify,
	isApiAccountAnswer,
	isTransientStatus,
} from '../../nodes/GcoreIam/outcome/classify';

const html404 =
	'<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>';

// status, body, content type → expected verdict (only the listed fields are compared)
const table: Array<[string, ApiAnswer, Partial<Verdict>]> = [
	['200 with an empty body', { statusCode: 200, body: '' }, { route: 'sent' }],
	['200 with JSON', { statusCode: 200, body: '{"status":"ok"}' }, { route: 'sent' }],
	['204', { statusCode: 204, body: '' }, { route: 'sent' }],
	[
		'400 already activated',
		{ statusCode: 400, body: '{"message":"This user already activated."}' },
		{ route: 'alreadyActivated', message: 'This user already activated.' },
	],
	[
		'400 already activated inside errors',
		{ statusCode: 400, body: '{"errors":{"email":["This user already activated."]}}' },
		{ route: 'alreadyActivated' },
	],
	[
		'400 validation error',
		{ statusCode: 400, body: '{"errors":{"email":["Enter a valid email address."],"x":["bad"]}}' },
		{
			route: 'error',
			reason: 'invalidRequest',
			fieldErrors: ['email: Enter a valid email address.', 'x: bad'],
		},
	],
	['400 empty', { statusCode: 400, body: '' }, { route: 'error', reason: 'invalidRequest' }],
	[
		'404 JSON',
		{ statusCode: 404, body: '{"message":"User with given email not found."}' },
		{ route: 'notFound', message: 'User with given email not found.' },
	],
	[
		'404 "User ... not found" as detail',
		{ statusCode: 404, body: '{"detail":"User with given email not found."}' },
		{ route: 'notFound', message: 'User with given email not found.' },
	],
	// Not clearly the API's answer about this user: Not Found only after the account check.
	['404 empty', { statusCode: 404, body: '' }, { route: 'error', reason: 'unconfirmedNotFound' }],
	[
		'404 detail',
		{ statusCode: 404, body: '{"detail":"Not found."}' },
		{ route: 'error', reason: 'unconfirmedNotFound', message: 'Not found.' },
	],
	[
		'404 plain text of a gateway',
		{ statusCode: 404, body: '404 page not found\n', contentType: 'text/plain' },
		{ route: 'error', reason: 'unconfirmedNotFound' },
	],
	[
		'404 JSON of a gateway',
		{ statusCode: 404, body: '{"message":"no Route matched with those values"}' },
		{ route: 'error', reason: 'unconfirmedNotFound' },
	],
	[
		'404 "user not found" as plain text (not the API\'s JSON)',
		{ statusCode: 404, body: 'User with given email not found.', contentType: 'text/plain' },
		{ route: 'error', reason: 'unconfirmedNotFound' },
	],
	[
		'404 HTML page (wrong base URL)',
		{ statusCode: 404, body: html404, contentType: 'text/html' },
		{ route: 'error', reason: 'endpointNotFound', message: '404 Not Found' },
	],
	[
		'404 HTML without content type',
		{ statusCode: 404, body: '  <!DOCTYPE html><html></html>' },
		{ route: 'error', reason: 'endpointNotFound' },
	],
	[
		'401 echoing the token',
		{ statusCode: 401, body: '{"message":"Bad permanent token: abc"}' },
		{ route: 'error', reason: 'unauthorized', message: 'Bad permanent token: abc' },
	],
	[
		'403',
		{ statusCode: 403, body: '{"detail":"Forbidden"}' },
		{ route: 'error', reason: 'forbidden' },
	],
	['429', { statusCode: 429, body: '' }, { route: 'error', reason: 'rateLimited' }],
	[
		'500 with request id',
		{ statusCode: 500, body: '{"exception_class":"Boom","message":"Internal","request_id":"r-1"}' },
		{ route: 'error', reason: 'serverError', message: 'Internal', requestId: 'r-1' },
	],
	[
		'502 HTML',
		{ statusCode: 502, body: '<html><h1>502 Bad Gateway</h1></html>', contentType: 'text/html' },
		{ route: 'error', reason: 'serverError', message: '502 Bad Gateway' },
	],
	[
		'request id from the header',
		{ statusCode: 503, body: '', requestIdHeader: 'hdr-7' },
		{ route: 'error', reason: 'serverError', requestId: 'hdr-7' },
	],
	[
		'418',
		{ statusCode: 418, body: 'teapot' },
		{ route: 'error', reason: 'unexpectedStatus', message: 'teapot' },
	],
	['302', { statusCode: 302, body: '' }, { route: 'error', reason: 'unexpectedStatus' }],
];

describe('classify: status + body → outcome', () => {
	test.each(table)('%s', (_name, answer, expected) => {
		expect(classify(answer)).toMatchObject(expected);
	});

	test('a body that is not JSON is kept as the message, shortened', () => {
		const verdict = classify({ statusCode: 500, body: 'x'.repeat(1000) });
		expect(verdict.message).toHaveLength(300);
	});
});

describe('a 404 that is not clearly the API\'s "user not found"', () => {
	const gateway: ApiAnswer = {
		statusCode: 404,
		body: '{"message":"no Route matched with those values"}',
	};
	const empty: ApiAnswer = { statusCode: 404, body: '' };

	test.each([gateway, empty])(
		'is Not Found once the account check reached the API (%j)',
		(answer) => {
			expect(classify(answer, true)).toMatchObject({ route: 'notFound' });
		},
	);

	test.each([gateway, empty])(
		'is a wrong Base URL when the account check did not (%j)',
		(answer) => {
			expect(classify(answer, false)).toMatchObject({ route: 'error', reason: 'endpointNotFound' });
		},
	);

	test('a web page is a wrong Base URL even when the account check reached the API', () => {
		expect(
			classify({ statusCode: 404, body: html404, contentType: 'text/html' }, true),
		).toMatchObject({ reason: 'endpointNotFound' });
	});

	test('the API\'s own "user not found" needs no check', () => {
		expect(
			classify({ statusCode: 404, body: '{"message":"User with given email not found."}' }, false),
		).toMatchObject({ route: 'notFound' });
	});
});

describe('isApiAccountAnswer: what confirms the Base URL', () => {
	test.each<[string, ApiAnswer, boolean]>([
		[
			'200 with the account JSON',
			{ statusCode: 200, body: '{"id":1,"email":"r@example.com","status":"active"}' },
			true,
		],
		[
			'200 with an HTML page',
			{ statusCode: 200, body: '<html></html>', contentType: 'text/html' },
			false,
		],
		['200 with a JSON list', { statusCode: 200, body: '[]' }, false],
		['200 empty', { statusCode: 200, body: '' }, false],
		[
			'404 JSON',
			{ statusCode: 404, body: '{"message":"no Route matched with those values"}' },
			false,
		],
		['401', { statusCode: 401, body: '{"message":"Bad permanent token"}' }, false],
	])('%s → %s', (_name, answer, expected) => {
		expect(isApiAccountAnswer(answer)).toBe(expected);
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
