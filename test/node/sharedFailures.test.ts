import type { IDataObject } from 'n8n-workflow';

import { freePort as closedPort } from '../../harness/ports';
import { GATEWAY_NOT_FOUND, ME_PATH } from '../../simulator';
import { useSimulator } from './fixture';

const customers = (count: number, domain = 'example.com') =>
	Array.from({ length: count }, (_, i) => ({ email: `c${i}@${domain}` }));

const attemptsOf = (items: Array<{ json: IDataObject }>) =>
	items.map((item) => (item.json.message as { attempts: number }).attempts);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

const { sim, run } = useSimulator({
	users: [
		{ email: 'invited@example.com', status: 'invited' },
		{ email: 'invited2@example.com', status: 'invited' },
	],
});

describe('an error every address shares, 60 customers', () => {
	test.each([
		[
			'a server that refuses connections',
			'closed',
			/^c\d+@example\.com: could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED, (\d attempts?|not sent: another address failed the same way)\) \[item \d+\]$/,
			3,
			4,
			/not sent: another address failed the same way/,
		],
		[
			'an unknown host',
			'https://no-such-host.invalid',
			/^c\d+@example\.com: could not reach https:\/\/no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN), (\d attempts?|not sent: another address failed the same way)\) \[item \d+\]$/,
			1,
			2,
			/not sent: another address failed the same way/,
		],
		[
			'a rejected API key (401, never retried)',
			'key',
			/the Gcore API rejected the API key \(401\)/,
			3,
			1,
			/the Gcore API rejected the API key \(401\)/,
		],
	])(
		'%s: once one address spent its attempts, the rest fail with that error, unsent',
		async (_name, target, says, maxRetries, attemptsOfOne, unsentSays) => {
			const { gcore, error } = await run(
				{
					items: customers(60),
					onError: 'continueErrorOutput',
					parameters: { options: { maxRetries } },
				},
				target === 'key'
					? { apiKey: 'wrong-key$1234567' }
					: { baseUrl: target === 'closed' ? `http://127.0.0.1:${await closedPort()}` : target },
			);
			expect(error).toBeUndefined();
			expect(gcore.error).toHaveLength(60);
			for (const item of gcore.error) expect(item.json.error).toMatch(says);
			const attempts = attemptsOf(gcore.error);
			// Concurrency 5: the first requests go out together; then one address spends its
			// attempts while the others wait, and nothing else is sent (was: one request per customer).
			expect(Math.max(...attempts)).toBe(attemptsOfOne);
			expect(attempts.filter((n) => n === 0).length).toBeGreaterThanOrEqual(60 - 5);
			expect(sum(attempts)).toBeLessThanOrEqual(attemptsOfOne + 5);
			expect(sim().stats().requests).toBeLessThanOrEqual(attemptsOfOne + 5);
			expect(gcore.error.find((item) => attemptsOf([item])[0] === 0)!.json.error).toMatch(
				unsentSays,
			);
		},
	);
});

describe("a 404 is Not Found only when it is the API's answer about this user", () => {
	const statsOf = () => {
		const { log } = sim().stats();
		return {
			renew: log.filter((entry) => entry.method === 'POST').length,
			accountChecks: log.filter((entry) => entry.path.endsWith(ME_PATH)).length,
		};
	};

	test('an empty 404 from the right Base URL: the account check confirms it once, the customers are Not Found', async () => {
		for (const email of ['gone1@example.com', 'gone2@example.com', 'gone3@example.com'])
			sim().addFault(email, { status: 404, body: '' });
		const items = [
			{ email: 'gone1@example.com' },
			{ email: 'invited@example.com' },
			{ email: 'gone2@example.com' },
			{ email: 'gone3@example.com' },
		];
		const { gcore, error } = await run({ items });
		expect(error).toBeUndefined();
		expect(gcore.notFound.map((item) => item.json.email)).toEqual([
			'gone1@example.com',
			'gone2@example.com',
			'gone3@example.com',
		]);
		expect(gcore.success.map((item) => item.json.email)).toEqual(['invited@example.com']);
		expect(statsOf()).toEqual({ renew: 4, accountChecks: 1 });
	});

	test('the API\'s own "user not found" needs no account check', async () => {
		const { gcore } = await run({ items: [{ email: 'stranger@example.com' }] });
		expect(gcore.notFound).toHaveLength(1);
		expect(statsOf()).toEqual({ renew: 1, accountChecks: 0 });
	});

	test.each([
		['plain text', GATEWAY_NOT_FOUND.text],
		['its own JSON', GATEWAY_NOT_FOUND.json],
	])(
		'a gateway answering 404 in %s for every path: a wrong Base URL, nobody is Not Found',
		async (_name, answer) => {
			sim().configure({ unknownRoute: answer === GATEWAY_NOT_FOUND.text ? 'text' : 'json' });
			const base = `${sim().url}/wrong-prefix`;
			const { gcore } = await run(
				{ items: customers(20), onError: 'continueErrorOutput' },
				{ baseUrl: base },
			);
			expect(gcore.notFound).toEqual([]);
			expect(gcore.error).toHaveLength(20);
			for (const item of gcore.error)
				expect(item.json.error).toMatch(
					/the endpoint was not found at .*\/wrong-prefix: check the Base URL/,
				);
			expect(statsOf().accountChecks).toBe(1);
		},
	);

	test('when the account check fails, every unclear 404 of the run is a wrong Base URL', async () => {
		sim().addFault('*', { status: 404, body: '' });
		sim().addFault(ME_PATH, { status: 500 });
		const { gcore } = await run({
			items: customers(5),
			onError: 'continueErrorOutput',
			parameters: { options: { maxRetries: 0 } },
		});
		expect(gcore.notFound).toEqual([]);
		expect(gcore.error).toHaveLength(5);
		expect(statsOf().accountChecks).toBe(1);
	});
});
