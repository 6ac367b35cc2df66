import axios from 'axios';

import {
	DEFAULT_API_KEY,
	ME_PATH,
	RENEW_PATH,
	startSimulator,
	type Simulator,
} from '../../simulator';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ users: [{ email: 'known@example.com', status: 'invited' }] });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const call = async (
	method: string,
	path: string,
	auth = `apikey ${DEFAULT_API_KEY}`,
	body?: unknown,
) =>
	await axios.request<string>({
		url: `${sim.url}${path}`,
		method,
		data: body,
		headers: { Authorization: auth },
		validateStatus: () => true,
		transformResponse: (raw: string) => raw,
	});

describe('unknown routes answer like the gateway in front of the API', () => {
	test.each([
		['html', 'text/html', /<title>404 Not Found<\/title>/],
		['text', 'text/plain; charset=utf-8', /^404 page not found\n$/],
		['json', 'application/json', /^\{"message":"no Route matched with those values"\}$/],
	] as const)('%s', async (style, contentType, body) => {
		sim.configure({ unknownRoute: style });
		const answer = await call('POST', `/wrong${RENEW_PATH}`);
		expect(answer.status).toBe(404);
		expect(answer.headers['content-type']).toBe(contentType);
		expect(answer.data).toMatch(body);
	});

	test('an unknown style is refused', () => {
		expect(() => sim.configure({ unknownRoute: 'xml' as never })).toThrow(
			/unknownRoute must be one of html, text, json/,
		);
	});
});

describe('echoKey: every error answer echoes the token it was sent', () => {
	test.each([
		['a 401', 'apikey some-wrong-token', { email: 'known@example.com' }, 401],
		['a 404', `apikey ${DEFAULT_API_KEY}`, { email: 'nobody@example.com' }, 404],
		['a 400', `apikey ${DEFAULT_API_KEY}`, { email: 'not-an-address' }, 400],
	])('%s', async (_name, auth, body, status) => {
		sim.configure({ echoKey: true });
		const answer = await call('POST', RENEW_PATH, auth, body);
		expect(answer.status).toBe(status);
		expect(answer.data).toContain(`(token: ${auth.slice('apikey '.length)})`);
	});

	test('a success does not', async () => {
		sim.configure({ echoKey: true });
		const answer = await call('POST', RENEW_PATH, undefined, { email: 'known@example.com' });
		expect(answer.status).toBe(200);
		expect(answer.data).toBe('');
	});
});

test('a fault for the account endpoint applies to it only', async () => {
	sim.addFault(ME_PATH, { status: 500, times: 1 });
	expect((await call('POST', RENEW_PATH, undefined, { email: 'known@example.com' })).status).toBe(
		200,
	);
	expect((await call('GET', ME_PATH)).status).toBe(500);
	expect((await call('GET', ME_PATH)).status).toBe(200);
});
