import type { ApiAnswer, Verdict } from '../../nodes/GcoreIam/outcome/classify';
import { classify, isTransientStatus } from '../../nodes/GcoreIam/outcome/classify';

const html404 = '<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>';

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
		{ route: 'error', reason: 'invalidRequest', fieldErrors: ['email: Enter a valid email address.', 'x: bad'] },
	],
	['400 empty', { statusCode: 400, body: '' }, { route: 'error', reason: 'invalidRequest' }],
	[
		'404 JSON',
		{ statusCode: 404, body: '{"message":"User with given email not found."}' },
		{ route: 'notFound', message: 'User with given email not found.' },
	],
	['404 empty', { statusCode: 404, body: '' }, { route: 'notFound' }],
	['404 detail', { statusCode: 404, body: '{"detail":"Not found."}' }, { route: 'notFound', message: 'Not found.' }],
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
	['403', { statusCode: 403, body: '{"detail":"Forbidden"}' }, { route: 'error', reason: 'forbidden' }],
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
	['418', { statusCode: 418, body: 'teapot' }, { route: 'error', reason: 'unexpectedStatus', message: 'teapot' }],
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

describe('isTransientStatus', () => {
	test.each([429, 500, 502, 503, 504])('%i is retried', (status) => expect(isTransientStatus(status)).toBe(true));
	test.each([200, 400, 401, 403, 404, 408, 418, 501])('%i is not', (status) => expect(isTransientStatus(status)).toBe(false));
});
