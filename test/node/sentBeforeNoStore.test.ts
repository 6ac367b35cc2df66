/**
 * An engine without n8n's deduplication service (this test file never installs the store):
 * the node works as before, the check is off, and each run logs one warning.
 */
import { engineLogger } from '../../harness/engine/engineLine';
import { invitation, useSimulator } from './fixture';

const { sim, run } = useSimulator({
	users: [
		{ email: 'customer0@example.com', status: 'invited' },
		{ email: 'customer1@example.com', status: 'invited' },
	],
});

const warnings = () => {
	const warn = jest.spyOn(engineLogger(), 'warn');
	return () =>
		warn.mock.calls
			.map(([message]) => String(message))
			.filter((message) => message.includes('deduplication store'));
};

afterEach(() => jest.restoreAllMocks());

describe('without a deduplication store', () => {
	test('every run sends, and logs one warning', async () => {
		const logged = warnings();
		const addresses = [{ email: 'customer0@example.com' }, { email: 'customer1@example.com' }];
		const first = await run({ items: addresses });
		expect(logged()).toHaveLength(1);
		expect(logged()[0]).toMatch(
			/^Gcore IAM "Gcore IAM": n8n's deduplication store is not available here \(this n8n has none, or the workflow is not saved\), so "Skip If Invited Within"/,
		);
		const second = await run({ items: addresses });
		expect(logged()).toHaveLength(2);
		for (const result of [first, second]) {
			expect(result.error).toBeUndefined();
			expect(result.gcore.success.map((item) => invitation(item).outcome)).toEqual([
				'sent',
				'sent',
			]);
		}
		expect(sim().stats().sentByEmail).toEqual({
			'customer0@example.com': 2,
			'customer1@example.com': 2,
		});
	});

	test('a retried execution and the option at 0 work too, with one warning each', async () => {
		const logged = warnings();
		const retried = await run({ items: [{ email: 'customer0@example.com' }] }, { mode: 'retry' });
		expect(invitation(retried.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(logged()).toHaveLength(1);
		const off = await run({
			items: [{ email: 'customer0@example.com' }],
			parameters: { options: { skipIfInvitedWithin: 0 } },
		});
		expect(invitation(off.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(logged()).toHaveLength(2);
	});
});
