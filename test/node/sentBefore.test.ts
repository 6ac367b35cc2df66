import { AGENT_NODE_NAME } from '../../harness/engine';
import { addressHash } from '../../nodes/GcoreIam/acrossExecutions/marks';
import type { NodeRun } from './fixture';
import {
	emails,
	invitation,
	invitedUsers,
	items,
	outcomes,
	pairing,
	until,
	useDeduplicationStore,
	useSimulator,
} from './fixture';

const invited = invitedUsers(300).map((user) => user.email);
const { sim, run, requests, sent, tally } = useSimulator({
	users: [...invitedUsers(300), { email: 'active@example.com', status: 'active' }],
});
const store = useDeduplicationStore();

/** The invitation of the first item on Success. */
const first = (result: NodeRun) => invitation(result.gcore.success[0]);
const failOnce = (email: string) => sim().addFault(email, { status: 500, times: 1 });
const noRetriesContinue = {
	parameters: { options: { maxRetries: 0 } },
	onError: 'continueRegularOutput' as const,
};

describe('Skip If Invited Within (n8n deduplication store present)', () => {
	test('an address sent successfully in an earlier execution is skipped: Success, outcome "sentBefore", no request', async () => {
		expect(first(await run({ items: items(['customer0@example.com']) }))).toMatchObject({
			outcome: 'sent',
		});

		const second = await run({
			items: items([' Customer0@Example.com ', 'customer1@example.com']),
		});
		expect(second.error).toBeUndefined();
		expect(emails(second.gcore.success)).toEqual([
			' Customer0@Example.com ',
			'customer1@example.com',
		]);
		expect(pairing(second.gcore.success)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(first(second)).toEqual({
			email: 'Customer0@Example.com',
			outcome: 'sentBefore',
			attempts: 0,
		});
		expect(invitation(second.gcore.success[1])).toMatchObject({ outcome: 'sent', statusCode: 200 });
		expect(requests('customer0@example.com')).toBe(1);
		expect(requests('customer1@example.com')).toBe(1);
		// The second check wrote "not sent" over the recorded send, and took it back.
		const third = await run({ items: items(['customer0@example.com']) });
		expect(first(third)).toMatchObject({ outcome: 'sentBefore' });
	});

	test.each([
		['an ordinary execution', undefined],
		['a retried execution', 'retry' as const],
	])(
		'Already Activated, Not Found and failed sends are not recorded (%s): the next execution asks again',
		async (_, mode) => {
			failOnce('customer3@example.com');
			const addresses = items(['active@example.com', 'ghost@example.com', 'customer3@example.com']);
			const once = await run({ items: addresses, ...noRetriesContinue }, { mode });
			expect(first(once)).toMatchObject({ email: 'customer3@example.com', outcome: 'failed' });

			const second = await run({ items: addresses, ...noRetriesContinue }, { mode });
			expect(outcomes(second.gcore.alreadyActivated)).toEqual(['alreadyActivated']);
			expect(outcomes(second.gcore.notFound)).toEqual(['notFound']);
			expect(first(second)).toMatchObject({ email: 'customer3@example.com', outcome: 'sent' });
			expect(requests('active@example.com')).toBe(2);
			expect(requests('ghost@example.com')).toBe(2);
			expect(sent('customer3@example.com')).toBe(1);
		},
	);

	test('the store holds no address in clear, and is called a few times per run, not once per item', async () => {
		const addresses = invited.slice(10, 210);
		// A check (and the record's size, read once per process), then a record (add + remove)
		// every 250 ms of the run at most, and one at its end.
		const allowed = (started: number) => 6 + 2 * Math.ceil((Date.now() - started) / 250);
		const nodeCalls = () => store().calls.filter((call) => call.scope === 'node').length;
		let started = Date.now();
		await run({ items: items(addresses) });
		expect(nodeCalls()).toBeLessThanOrEqual(allowed(started));
		const calls = nodeCalls();
		started = Date.now();
		const second = await run({ items: items(addresses) });
		expect(new Set(outcomes(second.gcore.success))).toEqual(new Set(['sentBefore']));
		expect(nodeCalls() - calls).toBeLessThanOrEqual(allowed(started));
		expect(store().calls.filter((call) => call.scope !== 'node')).toEqual([]);
		const everything = JSON.stringify([store().calls, [...store().rows]]).toLowerCase();
		expect(everything).not.toContain('customer');
		expect(everything).not.toContain('example.com');
	});

	test('during a long run, each success is recorded as its answer arrives, not only at the end', async () => {
		// customer5 answers after 4 s: customer6's success is recorded before that, customer5's at the end.
		sim().addFault('customer5@example.com', { delayMs: 4_000 });
		await run({
			items: items(['customer6@example.com', 'customer5@example.com']),
			parameters: { options: { concurrency: 2 } },
		});
		const sentMarks = store()
			.calls.filter((call) => call.method === 'checkProcessedAndRecord' && call.scope === 'node')
			.map((call) => [
				...new Set(
					call.items
						.map(String)
						.filter((value) => value.startsWith('s|'))
						.map((value) => value.split('|').at(-1)),
				),
			])
			.filter((hashes) => hashes.length > 0);
		// The first call is the check (both addresses); then one record each.
		const [six, five] = ['customer6@example.com', 'customer5@example.com'].map(addressHash);
		expect(sentMarks).toEqual([[six, five], [six], [five]]);
	});

	test('as an AI tool, a skipped address reaches the agent on output 0 with outcome "sentBefore"', async () => {
		await run({ items: items(['customer4@example.com']) });
		const result = await run({ items: items(['customer4@example.com']), asTool: true });
		const answers = result.outputs(AGENT_NODE_NAME)[0].map((item) => item.json.parsed);
		expect(answers).toEqual([
			[
				expect.objectContaining({
					invitation: expect.objectContaining({
						email: 'customer4@example.com',
						outcome: 'sentBefore',
					}),
				}),
			],
		]);
		expect(requests('customer4@example.com')).toBe(1);
	});
});

describe("n8n's store failing", () => {
	test('at the check: the run fails naming the store, and nobody is e-mailed', async () => {
		store().failing = new Error('SQLITE_BUSY: database is locked');
		const result = await run({
			items: items(['customer64@example.com', 'customer65@example.com']),
		});
		expect(result.error?.message).toBe(
			"Could not read n8n's deduplication store: SQLITE_BUSY: database is locked",
		);
		expect(sim().stats().requests).toBe(0);
	});

	test('when recording: the run still routes its customers, and the next one e-mails them again', async () => {
		sim().configure({ latencyMs: 200 });
		const running = run({ items: items(['customer66@example.com']) });
		await new Promise((resolve) => setTimeout(resolve, 100));
		store().failing = new Error('SQLITE_BUSY: database is locked');
		expect(first(await running)).toMatchObject({ outcome: 'sent' });
		store().failing = undefined;
		expect(first(await run({ items: items(['customer66@example.com']) }))).toMatchObject({
			outcome: 'sent',
		});
		expect(sent('customer66@example.com')).toBe(2);
	});
});

describe('a retried execution (mode "retry") never e-mails an address sent within 24 h', () => {
	test('Stop Workflow run stopped by a 500, then retried: everyone e-mailed exactly once', async () => {
		const addresses = invited.slice(20, 50);
		sim().addFault(addresses[12], { status: 500 });
		const options = { options: { maxRetries: 0, concurrency: 2, skipIfInvitedWithin: 0 } };
		const once = await run({ items: items(addresses), parameters: options });
		expect(once.error?.message).toMatch(/customer32@example\.com/);
		const sentFirst = addresses.filter((email) => sent(email) === 1);
		expect(sentFirst.length).toBeGreaterThan(0);

		sim().reset();
		const retried = await run({ items: items(addresses), parameters: options }, { mode: 'retry' });
		expect(retried.error).toBeUndefined();
		expect(emails(retried.gcore.success)).toEqual(addresses);
		const skipped = outcomes(retried.gcore.success);
		expect(addresses.filter((_, index) => skipped[index] === 'sentBefore')).toEqual(sentFirst);
		for (const email of addresses)
			expect(sent(email) + (sentFirst.includes(email) ? 1 : 0)).toBe(1);
	});

	test('with the default window: a retry 20 minutes after an ordinary execution finds its send in the 24 h record', async () => {
		await run({ items: items(['customer62@example.com']) });
		// Two windows later (Date.now as the node reads it): the 10-minute record no longer answers.
		const realNow = Date.now.bind(Date);
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 20 * 60_000);
		try {
			const ordinary = await run({ items: items(['customer63@example.com']) });
			const retried = await run({ items: items(['customer62@example.com']) }, { mode: 'retry' });
			expect(first(retried)).toMatchObject({ outcome: 'sentBefore' });
			expect(first(ordinary)).toMatchObject({ outcome: 'sent' });
			const again = await run({ items: items(['customer62@example.com']) });
			expect(first(again)).toMatchObject({ outcome: 'sent' });
		} finally {
			clock.mockRestore();
		}
		expect(sent('customer62@example.com')).toBe(2);
	});
});

describe('two executions racing for the same address in one n8n process', () => {
	test('one sends, the other waits for its answer and skips', async () => {
		sim().configure({ latencyMs: 300 });
		const [a, b] = await Promise.all([
			run({ items: items(['customer70@example.com', 'customer71@example.com']) }),
			run({ items: items(['customer71@example.com', 'customer70@example.com']) }),
		]);
		const seen = [...a.gcore.success, ...b.gcore.success].map(
			(item) => `${item.json.email} ${invitation(item).outcome}`,
		);
		expect(seen.sort()).toEqual([
			'customer70@example.com sent',
			'customer70@example.com sentBefore',
			'customer71@example.com sent',
			'customer71@example.com sentBefore',
		]);
		expect(requests('customer70@example.com')).toBe(1);
		expect(requests('customer71@example.com')).toBe(1);
	});

	test('an execution that starts after the 2xx, before it is recorded, waits for the record and skips', async () => {
		store().readWriteDelayMs = 300;
		const running = run({ items: items(['customer73@example.com']) });
		await until(() => sent('customer73@example.com') === 1, 'the first send');
		const second = await run({ items: items(['customer73@example.com']) });
		expect(first(second)).toMatchObject({ outcome: 'sentBefore' });
		expect(first(await running)).toMatchObject({ outcome: 'sent' });
		expect(sent('customer73@example.com')).toBe(1);
	});

	test('when the first send fails, the waiting execution sends', async () => {
		sim().configure({ latencyMs: 300 });
		failOnce('customer72@example.com');
		const once = { items: items(['customer72@example.com']), ...noRetriesContinue };
		const both = await Promise.all([run(once), run(once)]);
		expect(both.map((result) => first(result).outcome).sort()).toEqual(['failed', 'sent']);
		expect(requests('customer72@example.com')).toBe(2);
		expect(sent('customer72@example.com')).toBe(1);
	});

	test('200 one-customer executions at once over the same 50 customers: each e-mailed once', async () => {
		sim().configure({ latencyMs: 50 });
		const customers = invited.slice(150, 200);
		const runs = await Promise.all(
			Array.from({ length: 200 }, (_, i) => run({ items: items([customers[i % 50]]) })),
		);
		expect(runs.filter((result) => result.error)).toEqual([]);
		const seen = runs.map((result) => first(result).outcome);
		expect(seen.filter((outcome) => outcome === 'sent')).toHaveLength(50);
		expect(seen.filter((outcome) => outcome === 'sentBefore')).toHaveLength(150);
		expect(tally('200 executions over 50 customers', customers)).toEqual({
			neverEmailed: [],
			twice: [],
		});
	});
});
