import { AGENT_NODE_NAME } from '../../harness/engine';
import { addressHash } from '../../nodes/GcoreIam/acrossExecutions/marks';
import type { MemoryDeduplicationStore } from '../../harness/engine/deduplicationStore';
import { installDeduplicationStore } from '../../harness/engine/deduplicationStore';
import { emails, invitation, pairing, until, useSimulator } from './fixture';

const invited = Array.from({ length: 300 }, (_, i) => ({
	email: `customer${i}@example.com`,
	status: 'invited' as const,
}));
const { sim, run } = useSimulator({
	users: [...invited, { email: 'active@example.com', status: 'active' }],
});

let store: MemoryDeduplicationStore;
beforeAll(async () => {
	store = await installDeduplicationStore();
});
beforeEach(() => store.clear());

const items = (...addresses: string[]) => addresses.map((email) => ({ email }));
const sent = (email: string) => sim().stats().sentByEmail[email] ?? 0;
const requests = (email: string) => sim().stats().byEmail[email] ?? 0;

describe('Skip If Invited Within (n8n deduplication store present)', () => {
	test('an address sent successfully in an earlier execution is skipped: Success, outcome "sentBefore", no request', async () => {
		const first = await run({ items: items('customer0@example.com') });
		expect(invitation(first.gcore.success[0])).toMatchObject({ outcome: 'sent' });

		const second = await run({ items: items(' Customer0@Example.com ', 'customer1@example.com') });
		expect(second.error).toBeUndefined();
		expect(emails(second.gcore.success)).toEqual([
			' Customer0@Example.com ',
			'customer1@example.com',
		]);
		expect(pairing(second.gcore.success)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(invitation(second.gcore.success[0])).toEqual({
			email: 'Customer0@Example.com',
			outcome: 'sentBefore',
			attempts: 0,
		});
		expect(invitation(second.gcore.success[1])).toMatchObject({ outcome: 'sent', statusCode: 200 });
		expect(requests('customer0@example.com')).toBe(1);
		expect(requests('customer1@example.com')).toBe(1);
		// The second check wrote "not sent" over the recorded send, and took it back.
		const third = await run({ items: items('customer0@example.com') });
		expect(invitation(third.gcore.success[0])).toMatchObject({ outcome: 'sentBefore' });
	});

	test('0 turns the check off: the second execution sends again', async () => {
		const options = { options: { skipIfInvitedWithin: 0 } };
		await run({ items: items('customer2@example.com'), parameters: options });
		const second = await run({ items: items('customer2@example.com'), parameters: options });
		expect(invitation(second.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(sent('customer2@example.com')).toBe(2);
	});

	test('Already Activated, Not Found and failed sends are not recorded: the next execution asks again', async () => {
		sim().addFault('customer3@example.com', { status: 500, times: 1 });
		const options = { options: { maxRetries: 0 } };
		const addresses = items('active@example.com', 'ghost@example.com', 'customer3@example.com');
		const first = await run({
			items: addresses,
			parameters: options,
			onError: 'continueRegularOutput',
		});
		expect(invitation(first.gcore.success[0])).toMatchObject({
			email: 'customer3@example.com',
			outcome: 'failed',
		});

		const second = await run({
			items: addresses,
			parameters: options,
			onError: 'continueRegularOutput',
		});
		expect(invitation(second.gcore.alreadyActivated[0])).toMatchObject({
			outcome: 'alreadyActivated',
		});
		expect(invitation(second.gcore.notFound[0])).toMatchObject({ outcome: 'notFound' });
		expect(invitation(second.gcore.success[0])).toMatchObject({
			email: 'customer3@example.com',
			outcome: 'sent',
		});
		expect(requests('active@example.com')).toBe(2);
		expect(requests('ghost@example.com')).toBe(2);
		expect(sent('customer3@example.com')).toBe(1);
	});

	test('the store holds no address in clear, and is called a few times per run, not once per item', async () => {
		const addresses = invited.slice(10, 210).map((user) => user.email);
		// A check (and the record's size, read once per process), then a record (add + remove)
		// every 250 ms of the run at most, and one at its end.
		const allowed = (started: number) => 6 + 2 * Math.ceil((Date.now() - started) / 250);
		const nodeCalls = () => store.calls.filter((call) => call.scope === 'node').length;
		let started = Date.now();
		await run({ items: items(...addresses) });
		expect(nodeCalls()).toBeLessThanOrEqual(allowed(started));
		const calls = nodeCalls();
		started = Date.now();
		const second = await run({ items: items(...addresses) });
		expect(second.gcore.success.every((item) => invitation(item).outcome === 'sentBefore')).toBe(
			true,
		);
		expect(nodeCalls() - calls).toBeLessThanOrEqual(allowed(started));
		expect(store.calls.filter((call) => call.scope !== 'node')).toEqual([]);
		const everything = JSON.stringify([store.calls, [...store.rows.entries()]]).toLowerCase();
		expect(everything).not.toContain('customer');
		expect(everything).not.toContain('example.com');
	});

	test('during a long run, each success is recorded as its answer arrives, not only at the end', async () => {
		// customer5 answers after 4 s: customer6's success is recorded before that, customer5's at the end.
		sim().addFault('customer5@example.com', { delayMs: 4_000 });
		await run({
			items: items('customer6@example.com', 'customer5@example.com'),
			parameters: { options: { concurrency: 2 } },
		});
		const sentMarks = store.calls
			.filter((call) => call.method === 'checkProcessedAndRecord' && call.scope === 'node')
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
		expect(sentMarks).toEqual([
			[addressHash('customer6@example.com'), addressHash('customer5@example.com')],
			[addressHash('customer6@example.com')],
			[addressHash('customer5@example.com')],
		]);
	});

	test('as an AI tool, a skipped address reaches the agent on output 0 with outcome "sentBefore"', async () => {
		await run({ items: items('customer4@example.com') });
		const result = await run({ items: items('customer4@example.com'), asTool: true });
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
		store.failing = new Error('SQLITE_BUSY: database is locked');
		const result = await run({ items: items('customer64@example.com', 'customer65@example.com') });
		expect(result.error?.message).toBe(
			"Could not read n8n's deduplication store: SQLITE_BUSY: database is locked",
		);
		expect(sim().stats().requests).toBe(0);
	});

	test('when recording: the run still routes its customers, and the next one e-mails them again', async () => {
		sim().configure({ latencyMs: 200 });
		const first = run({ items: items('customer66@example.com') });
		await new Promise((resolve) => setTimeout(resolve, 100));
		store.failing = new Error('SQLITE_BUSY: database is locked');
		expect(invitation((await first).gcore.success[0])).toMatchObject({ outcome: 'sent' });
		store.failing = undefined;
		const second = await run({ items: items('customer66@example.com') });
		expect(invitation(second.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(sent('customer66@example.com')).toBe(2);
	});
});

describe('a retried execution (mode "retry") never e-mails an address sent within 24 h', () => {
	test('Stop Workflow run stopped by a 500, then retried: everyone e-mailed exactly once', async () => {
		const addresses = invited.slice(20, 50).map((user) => user.email);
		const failing = addresses[12];
		sim().addFault(failing, { status: 500 });
		const options = { options: { maxRetries: 0, concurrency: 2, skipIfInvitedWithin: 0 } };
		const first = await run({ items: items(...addresses), parameters: options });
		expect(first.error?.message).toMatch(/customer32@example\.com/);
		const sentFirst = addresses.filter((email) => sent(email) === 1);
		expect(sentFirst.length).toBeGreaterThan(0);

		sim().reset();
		const retried = await run(
			{ items: items(...addresses), parameters: options },
			{ mode: 'retry' },
		);
		expect(retried.error).toBeUndefined();
		expect(emails(retried.gcore.success)).toEqual(addresses);
		const outcomes = retried.gcore.success.map((item) => invitation(item).outcome);
		expect(addresses.filter((_, index) => outcomes[index] === 'sentBefore')).toEqual(sentFirst);
		for (const email of addresses)
			expect(sent(email) + (sentFirst.includes(email) ? 1 : 0)).toBe(1);
	});

	test('an ordinary execution with the check off sends again; a retried one does not', async () => {
		const options = { options: { skipIfInvitedWithin: 0 } };
		await run({ items: items('customer60@example.com'), parameters: options });
		const retried = await run(
			{ items: items('customer60@example.com'), parameters: options },
			{ mode: 'retry' },
		);
		expect(invitation(retried.gcore.success[0])).toMatchObject({ outcome: 'sentBefore' });
		const again = await run({ items: items('customer60@example.com'), parameters: options });
		expect(invitation(again.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(sent('customer60@example.com')).toBe(2);
	});

	test('with the default window: a retry 20 minutes after an ordinary execution finds its send in the 24 h record', async () => {
		await run({ items: items('customer62@example.com') });
		// Two windows later (Date.now as the node reads it): the 10-minute record no longer answers.
		const realNow = Date.now.bind(Date);
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 20 * 60_000);
		try {
			const ordinary = await run({ items: items('customer63@example.com') });
			const retried = await run({ items: items('customer62@example.com') }, { mode: 'retry' });
			expect(invitation(retried.gcore.success[0])).toMatchObject({ outcome: 'sentBefore' });
			expect(invitation(ordinary.gcore.success[0])).toMatchObject({ outcome: 'sent' });
			const again = await run({ items: items('customer62@example.com') });
			expect(invitation(again.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		} finally {
			clock.mockRestore();
		}
		expect(sent('customer62@example.com')).toBe(2);
	});

	test('a retried execution that fails an address leaves nothing behind: the next retry sends it', async () => {
		sim().addFault('customer61@example.com', { status: 500, times: 1 });
		const options = {
			parameters: { options: { maxRetries: 0 } },
			onError: 'continueRegularOutput' as const,
		};
		const first = await run(
			{ items: items('customer61@example.com'), ...options },
			{ mode: 'retry' },
		);
		expect(invitation(first.gcore.success[0])).toMatchObject({ outcome: 'failed' });
		const second = await run(
			{ items: items('customer61@example.com'), ...options },
			{ mode: 'retry' },
		);
		expect(invitation(second.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(sent('customer61@example.com')).toBe(1);
	});
});

describe('two executions racing for the same address in one n8n process', () => {
	test('one sends, the other waits for its answer and skips', async () => {
		sim().configure({ latencyMs: 300 });
		const [a, b] = await Promise.all([
			run({ items: items('customer70@example.com', 'customer71@example.com') }),
			run({ items: items('customer71@example.com', 'customer70@example.com') }),
		]);
		const outcomes = [...a.gcore.success, ...b.gcore.success].map(
			(item) => `${item.json.email} ${invitation(item).outcome}`,
		);
		expect(outcomes.sort()).toEqual([
			'customer70@example.com sent',
			'customer70@example.com sentBefore',
			'customer71@example.com sent',
			'customer71@example.com sentBefore',
		]);
		expect(requests('customer70@example.com')).toBe(1);
		expect(requests('customer71@example.com')).toBe(1);
	});

	test('an execution that starts after the 2xx, before it is recorded, waits for the record and skips', async () => {
		store.readWriteDelayMs = 300;
		const first = run({ items: items('customer73@example.com') });
		await until(() => sent('customer73@example.com') === 1, 'the first send');
		const second = await run({ items: items('customer73@example.com') });
		expect(invitation(second.gcore.success[0])).toMatchObject({ outcome: 'sentBefore' });
		expect(invitation((await first).gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(sent('customer73@example.com')).toBe(1);
	});

	test('when the first send fails, the waiting execution sends', async () => {
		sim().configure({ latencyMs: 300 });
		sim().addFault('customer72@example.com', { status: 500, times: 1 });
		const options = {
			parameters: { options: { maxRetries: 0 } },
			onError: 'continueRegularOutput' as const,
		};
		const [a, b] = await Promise.all([
			run({ items: items('customer72@example.com'), ...options }),
			run({ items: items('customer72@example.com'), ...options }),
		]);
		const outcomes = [a, b].map((result) => invitation(result.gcore.success[0]).outcome).sort();
		expect(outcomes).toEqual(['failed', 'sent']);
		expect(requests('customer72@example.com')).toBe(2);
		expect(sent('customer72@example.com')).toBe(1);
	});

	test('200 one-customer executions at once over the same 50 customers: each e-mailed once', async () => {
		sim().configure({ latencyMs: 50 });
		const customers = invited.slice(150, 200).map((user) => user.email);
		const runs = await Promise.all(
			Array.from({ length: 200 }, (_, i) => run({ items: items(customers[i % 50]) })),
		);
		expect(runs.every((result) => result.error === undefined)).toBe(true);
		const outcomes = runs.map((result) => invitation(result.gcore.success[0]).outcome);
		expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(50);
		expect(outcomes.filter((outcome) => outcome === 'sentBefore')).toHaveLength(150);
		const neverEmailed = customers.filter((email) => sent(email) === 0);
		const twice = customers.filter((email) => sent(email) > 1);
		console.log(
			`200 executions, 50 customers: ${neverEmailed.length} never e-mailed, ${twice.length} twice`,
		);
		expect({ neverEmailed, twice }).toEqual({ neverEmailed: [], twice: [] });
	});
});
