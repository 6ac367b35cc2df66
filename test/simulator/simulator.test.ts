// The simulator's behaviours that no test of the node would notice going wrong.
import axios, { type AxiosResponse } from 'axios';

import { pollUntil } from '../../harness/poll';
import { startSimulatorProcess } from '../../harness/simulatorProcess';
import {
	DEFAULT_API_KEY,
	RENEW_PATH,
	startSimulator,
	type Simulator,
	type SimUser,
} from '../../simulator';

const users: SimUser[] = [1, 2, 3, 4].map((n) => ({ email: `c${n}@x.io`, status: 'invited' }));
const [C1, C2, C3] = users.map((u) => u.email);
let sim: Simulator;
beforeAll(async () => (sim = await startSimulator({ users, apiKey: 'k' })));
afterEach(() => sim.reset());
afterAll(() => sim.close());

const client = axios.create({ validateStatus: null, transformResponse: (raw: string) => raw });
/** POSTs `{ email }` to `on` (RENEW_PATH by default); any status is an answer, the body as text. */
const renew = (email: string, on: { url: string } = sim, path = RENEW_PATH, key = 'k') =>
	client.post<string>(
		`${on.url}${path}`,
		{ email },
		{ headers: { Authorization: `apikey ${key}` } },
	);
/** Status, Retry-After, content type and body, the request id left out. */
const summary = ({ status, headers, data }: AxiosResponse<string>) =>
	`${status} ${headers['retry-after'] ?? '-'} ${headers['content-type']} ${data}`.replace(
		/"request_id":"[0-9a-f]{8}-[0-9a-f]{6}"/,
		'ID',
	);

test.each([
	['html', /^404 - text\/html <html>[\s\S]*<title>404 Not Found<\/title>[\s\S]*<\/html>\r\n$/],
	['text', /^404 - text\/plain; charset=utf-8 404 page not found\n$/],
	['json', /^404 - application\/json \{"message":"no Route matched with those values"\}$/],
] as const)('a wrong path gets the 404 of a %s gateway', async (style, answer) => {
	sim.configure({ unknownRoute: style });
	expect(summary(await renew(C1, sim, `/v1${RENEW_PATH}`))).toMatch(answer);
	expect(sim.stats().requests).toBe(0);
});

test('faults: the address first, then "*", each its number of times; their statuses, headers and bodies', async () => {
	sim.addFault(C1.toUpperCase(), { status: 429, retryAfter: 2, times: 1 });
	sim.addFault(C1, { status: 502, contentType: 'text/html', body: '<h1>502</h1>', times: 1 });
	sim.addFault('*', { status: 503, times: 1 });
	sim.configure({ echoKey: true }); // error answers with a JSON body echo the token they got
	const answers = [];
	for (let i = 0; i < 4; i++) answers.push(summary(await renew(C1)));
	answers.push(summary(await renew('nobody@x.io', sim, RENEW_PATH, 'wrong')));
	expect(answers).toEqual([
		'429 2 application/json {"message":"Too many requests (token: k)",ID}',
		'502 - text/html <h1>502</h1>',
		'503 - application/json {"message":"Service Unavailable (token: k)",ID}',
		'200 - undefined ',
		'401 - application/json {"message":"Bad permanent token: wrong (token: wrong)",ID}',
	]);
});

test('above maxInFlight: a 429 with rateLimitRetryAfter, until a request in flight ends', async () => {
	sim.configure({ maxInFlight: 2, latencyMs: 150, rateLimitRetryAfter: 3 });
	const answers = await Promise.all([C1, C2, C3, C1, C2].map((email) => renew(email)));
	const limited = '429 3 application/json {"message":"Too many requests",ID}';
	expect(answers.map(summary).sort()).toEqual([
		...Array(2).fill('200 - undefined '),
		...Array(3).fill(limited),
	]);
	expect(summary(await renew(C3))).toBe('200 - undefined ');
});

test('the same seeded random faults whatever the order of requests', async () => {
	const run = async (seed: number, order: string[]) => {
		sim.reset();
		sim.configure({ randomFaults: { rate: 0.5, statuses: [429, 503], seed, retryAfter: 1 } });
		const seen: Record<string, string[]> = {};
		for (let round = 0; round < 4; round++)
			for (const email of order) (seen[email] ??= []).push(summary(await renew(email)));
		return seen;
	};
	const emails = users.map((u) => u.email);
	const first = await run(7, emails);
	expect(await run(7, [...emails].reverse())).toEqual(first);
	const kinds = new Set(
		Object.values(first).flatMap((answers) => answers.map((a) => a.slice(0, 5))),
	);
	expect([...kinds].sort()).toEqual(['200 -', '429 1', '503 1']);
	expect(await run(8, emails)).not.toEqual(first);
});

test('leaves idle keep-alive connections to the client; closes promptly with delayed and hanging requests open', async () => {
	const own = await startSimulator({ users, apiKey: 'k' });
	// A Node client keeps an idle connection 5 s, or 1 s less than the server's Keep-Alive hint:
	// with the server's default (5 s), on a busy event loop the server reset a request just written.
	const answers = await Promise.all([C1, C2, C3].map((email) => renew(email, own)));
	expect(Number(/timeout=(\d+)/.exec(String(answers[0].headers['keep-alive']))?.[1])).toBe(30);
	own.configure({ latencyMs: 10_000 });
	const outcome = (email: string) => renew(email, own).catch(() => 'failed');
	const inFlight = (n: number) =>
		pollUntil(
			async () => own.stats().inFlight >= n || undefined,
			5000,
			() => `${n} in flight`,
			5,
		);
	const delayed = outcome(C1);
	await inFlight(1);
	own.addFault('*', { hang: true });
	const hanging = outcome(C2);
	await inFlight(2);
	const started = Date.now();
	await own.close();
	expect(Date.now() - started).toBeLessThan(500);
	expect(await Promise.all([delayed, hanging])).toEqual(['failed', 'failed']);
	expect(own.stats().statusCounts).toEqual({ 200: 3, hang: 1 });
});

test('in its own process: the listening line, the control API, a clean stop', async () => {
	const child = await startSimulatorProcess();
	try {
		await child.prepare({ users: [{ email: 'New@x.io', status: 'invited' }], apiKey: 'k' });
		await child.addFault('new@x.io', { status: 503, times: 1 });
		const statuses = [];
		for (const email of ['new@x.io', 'NEW@x.io', C1])
			statuses.push((await renew(email, child)).status);
		expect(statuses).toEqual([503, 200, 404]);
		expect(await child.stats()).toMatchObject({ sentByEmail: { 'new@x.io': 1 }, log: [] });
		await expect(child.addFault(C1, { times: 1 })).rejects.toThrow(/400 .*fault needs status/);
		await child.reset();
		expect((await renew(C1, child, RENEW_PATH, DEFAULT_API_KEY)).status).toBe(404);
		expect(await child.stats()).toMatchObject({ byEmail: { [C1]: 1 }, log: [{ status: 404 }] });
	} finally {
		await child.stop();
	}
	expect(await child.exited).toBe('exit 0');
});
