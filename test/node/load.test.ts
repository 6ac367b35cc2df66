import { useSimulator } from './fixture';

const COUNT = 1000;
// Every fifth customer is already active; every tenth item is not a customer (Not Found). Every
// 100th item repeats an invited customer's address (i - 49), every 100th + 25 an activated
// one's (i - 71), in another case and with spaces.
const address = (i: number) => `load${i}@example.com`;
const invited = (i?: number) => i !== undefined && i % 5 !== 4;
const users = Array.from({ length: COUNT }, (_, i) => ({
	email: address(i),
	status: invited(i) ? ('invited' as const) : ('active' as const),
}));
const repeatOf = (i: number) => (i % 100 === 50 ? i - 49 : i % 100 === 75 ? i - 71 : undefined);
const customerOf = (i: number) => (i % 10 === 9 ? undefined : (repeatOf(i) ?? i));
const items = Array.from({ length: COUNT }, (_, i) => {
	const repeated = repeatOf(i);
	const email =
		i % 10 === 9
			? `stranger${i}@example.com`
			: repeated !== undefined
				? ` LOAD${repeated}@Example.com `
				: address(i);
	return { email, row: i };
});

const { sim, run } = useSimulator({ users });

describe('a thousand customers against an API that fails now and then', () => {
	test('every item leaves on exactly one output, none fails, nobody is e-mailed twice', async () => {
		sim().configure({
			randomFaults: { rate: 0.05, statuses: [503, 429, 502], seed: 7, retryAfter: 0 },
		});
		const { gcore, error } = await run({ items, parameters: { options: { concurrency: 8 } } });

		expect(error).toBeUndefined();
		expect(gcore.error).toEqual([]);
		const all = [...gcore.success, ...gcore.alreadyActivated, ...gcore.notFound];
		const rows = all.map((item) => item.json.row as number);
		expect(rows.sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
		for (const output of [gcore.success, gcore.alreadyActivated, gcore.notFound]) {
			const order = output.map((item) => item.json.row as number);
			expect(order).toEqual([...order].sort((a, b) => a - b));
			expect(output.map((item) => item.pairedItem)).toEqual(order.map((row) => ({ item: row })));
		}
		// Invited customers e-mailed once each; both items of a repeated one on Success.
		const invitedRows = items.filter((_, i) => invited(customerOf(i))).map(({ row }) => row);
		expect(gcore.success.map((item) => item.json.row)).toEqual(invitedRows);
		const { sentByEmail, statusCounts } = sim().stats();
		const sentOnce = invitedRows.map((row) => [address(customerOf(row)!), 1]);
		expect(sentByEmail).toEqual(Object.fromEntries(sentOnce));
		expect(Object.keys(statusCounts).length).toBeGreaterThan(3);
		expect(statusCounts[503]).toBeGreaterThan(0);
	});
});
