// One execution per customer, many at once in one process (a CRM trigger firing for a bulk
// import), sharing what the node learns about the account's rate limit. Assertions are about who
// was e-mailed how often and how executions ended, never about durations.
import type { Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import type { NodeRun } from './fixture';
import { emails, invitedUsers as customers, until, useSimulator } from './fixture';

const { sim, run } = useSimulator({ users: [...customers(200), ...customers(60, 'failing')] });

/** Addresses the API accepted more than once: customers e-mailed twice. */
const emailedTwice = (simulator: Simulator) =>
	Object.entries(simulator.stats().sentByEmail).filter(([, sent]) => sent > 1);

describe('a burst of one-customer executions against an API that admits 5 requests in flight', () => {
	test('200 executions at once, Concurrency 10: every customer e-mailed exactly once, no execution failed', async () => {
		sim().configure({ latencyMs: 20, maxInFlight: 5, rateLimitRetryAfter: 1 });
		const burst = customers(200);
		const results = await Promise.all(
			burst.map(({ email }) =>
				run({ items: [{ email }], parameters: { options: { concurrency: 10 } } }),
			),
		);

		expect(results.filter((result) => result.error)).toEqual([]);
		expect(results.map((result) => emails(result.gcore.success))).toEqual(
			burst.map(({ email }) => [email]),
		);
		expect(emailedTwice(sim())).toEqual([]);
		expect(Object.keys(sim().stats().sentByEmail)).toHaveLength(200);
		// Together they keep to one Concurrency, then to what the API admitted, also after each
		// pause. (Executions that learn alone collide again after every Retry-After: hundreds.)
		expect(sim().stats().statusCounts[429] ?? 0).toBeLessThan(40);
	});
});

describe("n8n's Retry On Fail in many executions at once: no good customer is e-mailed twice", () => {
	test('60 executions, each with one good and one failing customer', async () => {
		const good = customers(60);
		const failing = customers(60, 'failing');
		for (const { email } of failing) sim().addFault(email, { status: 500 });
		const results = await Promise.all(
			good.map(({ email }, i) =>
				run({
					items: [{ email }, { email: failing[i].email }],
					parameters: { options: { maxRetries: 0 } },
					retryOnFail: true,
					maxTries: 3,
					waitBetweenTries: 100,
				}),
			),
		);

		expect(results.filter((result) => !result.error)).toEqual([]);
		const { byEmail, sentByEmail } = sim().stats();
		// Every execution really was tried three times (each try's request arrives: the simulator
		// leaves idle connections to the client, see server.ts)...
		expect(failing.filter(({ email }) => byEmail[email] !== 3)).toEqual([]);
		// ...and its good customer was e-mailed in the first try only.
		expect(good.filter(({ email }) => sentByEmail[email] !== 1)).toEqual([]);
		expect(emailedTwice(sim())).toEqual([]);
	});
});

describe('accounts stay apart', () => {
	let other: Simulator;
	beforeAll(async () => {
		other = await startSimulator({ apiKey: 'other-account-key_42', users: customers(30, 'other') });
	});
	afterAll(async () => await other.close());

	test("a 429 storm on one account neither pauses nor slows another's executions", async () => {
		// Account A: every request is rate limited with a 30 s Retry-After.
		sim().addFault('*', { status: 429, retryAfter: 30 });
		const stopA = new AbortController();
		let aEnded = false;
		const onA = Promise.all(
			customers(5).map(({ email }) => run({ items: [{ email }] }, { signal: stopA.signal })),
		).finally(() => (aEnded = true));
		await until(() => sim().stats().requests >= 5, "A's first requests");

		// Account B (another key, another Base URL): ten executions of three customers each.
		other.configure({ latencyMs: 20 });
		const onB = await Promise.all(
			[...Array(10).keys()].map((i) =>
				run(
					{
						items: customers(30, 'other')
							.slice(i * 3, i * 3 + 3)
							.map(({ email }) => ({ email })),
					},
					{ apiKey: 'other-account-key_42', baseUrl: other.url },
				),
			),
		);

		expect(onB.filter((result) => result.error)).toEqual([]);
		expect(onB.flatMap((result) => emails(result.gcore.success))).toHaveLength(30);
		expect(other.stats().statusCounts[429]).toBeUndefined();
		// A's learned limit (1 in flight) did not reach B: B ran its runs side by side.
		expect(other.stats().maxInFlight).toBeGreaterThan(1);
		// A is still waiting out its 30 s.
		expect(aEnded).toBe(false);
		expect(sim().stats().requests).toBe(5);

		stopA.abort();
		const resultsA: NodeRun[] = await onA;
		expect(resultsA.map((result) => result.run.status)).toEqual(Array(5).fill('canceled'));
	});
});

describe('cancelling one execution while others wait', () => {
	test('only the cancelled one stops; the others are sent once the pause is over', async () => {
		const burst = customers(10);
		// A 5 s pause: the cancelled execution must end long before it is over.
		sim().addFault('*', { status: 429, retryAfter: 5, times: burst.length });
		const stop = new AbortController();
		const cancelled = 3;
		const ended = new Set<number>();
		const running = burst.map(({ email }, i) =>
			run(
				{ items: [{ email }], parameters: { options: { concurrency: 10 } } },
				i === cancelled ? { signal: stop.signal } : {},
			).finally(() => ended.add(i)),
		);
		await until(() => sim().stats().requests >= burst.length, 'every first request');

		stop.abort();
		const stopped = await running[cancelled];
		expect(stopped.run.status).toBe('canceled');
		expect([...ended]).toEqual([cancelled]);

		const others = await Promise.all(running.filter((_, i) => i !== cancelled));
		expect(others.map((result) => result.error)).toEqual(Array(burst.length - 1).fill(undefined));
		expect(others.map((result) => emails(result.gcore.success))).toEqual(
			burst.filter((_, i) => i !== cancelled).map(({ email }) => [email]),
		);
		const { byEmail, sentByEmail } = sim().stats();
		expect(byEmail[burst[cancelled].email]).toBe(1);
		expect(sentByEmail[burst[cancelled].email]).toBeUndefined();
		expect(emailedTwice(sim())).toEqual([]);
	});
});
