// An engine without n8n's deduplication service (this file never installs the store): the
// node works as before, the check is off, and each run logs one warning.
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
	test('every run sends and logs one warning: ordinary, retried, or with the option at 0', async () => {
		const logged = warnings();
		const addresses = [{ email: 'customer0@example.com' }, { email: 'customer1@example.com' }];
		const results = [
			await run({ items: addresses }),
			await run({ items: addresses }, { mode: 'retry' }),
			await run({ items: addresses, parameters: { options: { skipIfInvitedWithin: 0 } } }),
		];
		expect(logged()).toHaveLength(3);
		expect(logged()[0]).toMatch(
			/^Gcore IAM "Gcore IAM": n8n's deduplication store is not available here \(this n8n has none, or the workflow is not saved\), so "Skip If Invited Within"/,
		);
		for (const result of results) {
			expect(result.error).toBeUndefined();
			expect(result.gcore.success.map((item) => invitation(item).outcome)).toEqual([
				'sent',
				'sent',
			]);
		}
		expect(sim().stats().sentByEmail).toEqual({
			'customer0@example.com': 3,
			'customer1@example.com': 3,
		});
	});
});
