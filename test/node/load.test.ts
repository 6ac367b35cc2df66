import type { SimUser } from '../../simulator';
import { useSimulator } from './fixture';

const COUNT = 1000;
const statuses: SimUser['status'][] = ['invited', 'invited', 'invited', 'invited', 'active'];
const users: SimUser[] = Array.from({ length: COUNT }, (_, i) => ({
	email: `load${i}@example.com`,
	status: statuses[i % 5],
}));
// Every tenth item is not a customer at all (Not Found). Some addresses come twice, in another
// case or with spaces: every 100th item repeats an invited customer's address (one who is
// e-mailed), every 100th + 25 an activated one's.
const repeatOf = (i: number) => (i % 100 === 50 ? i - 49 : i % 100 === 75 ? i - 71 : undefined);
const items = Array.from({ length: COUNT }, (_, i) => {
	const repeated = repeatOf(i);
	const email =
		i % 10 === 9
			? `stranger${i}@example.com`
			: repeated !== undefined
				? ` LOAD${repeated}@Example.com `
				: `load${i}@example.com`;
	return { email, row: i };
});

const { sim, run } = useSimulator({ users });

describe('a thousand customers against an API that fails now and then', () => {
	test('every item leaves on exactly one output, none fails, nobody is e-mailed twice', async () => {
		sim().configure({
			randomFaults: { rate: 0.05, statuses: [503, 429, 502], seed: 7, retryAfter: 0 },
		});
		const { gcore, error } = await run({ items, parameters: { options: { concurrency: 8 } } }, {});

		expect(error).toBeUndefined();
		expect(gcore.error).toEqual([]);
		const all = [...gcore.success, ...gcore.alreadyActivated, ...gcore.notFound];
		const rows = all
			.map((item) => (item.pairedItem as { item: number }).item)
			.sort((a, b) => a - b);
		expect(rows).toEqual(items.map((_, i) => i));
		for (const output of [gcore.success, gcore.alreadyActivated, gcore.notFound]) {
			const order = output.map((item) => item.json.row as number);
			expect(order).toEqual([...order].sort((a, b) => a - b));
		}

		const stats = sim().stats();
		// The repeats are of customers who get an e-mail: each is sent once, both items Success.
		const repeatedInvited = items
			.filter((_, i) => i % 100 === 50)
			.map((item) => item.email.trim().toLowerCase());
		expect(repeatedInvited).toHaveLength(COUNT / 100);
		for (const email of repeatedInvited) {
			expect(users.find((user) => user.email === email)?.status).toBe('invited');
			expect(stats.sentByEmail[email]).toBe(1);
			expect(
				gcore.success.filter((item) => String(item.json.email).trim().toLowerCase() === email),
			).toHaveLength(2);
		}
		expect(Object.values(stats.statusCounts).length).toBeGreaterThan(3);
		expect(stats.statusCounts[503]).toBeGreaterThan(0);
		expect(Object.values(stats.sentByEmail).filter((sent) => sent > 1)).toEqual([]);
		const invitedInInput = new Set(
			items
				.map((item) => item.email.trim().toLowerCase())
				.filter((email) => users.find((u) => u.email === email)?.status === 'invited'),
		);
		expect(Object.keys(stats.sentByEmail).length).toBe(invitedInInput.size);
		expect(gcore.success).toHaveLength(
			items.filter((item) => invitedInInput.has(item.email.trim().toLowerCase())).length,
		);
	});
});
