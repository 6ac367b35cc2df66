import { backoff, parseRetryAfter } from '../../nodes/GcoreIam/transport/retry';

describe('backoff', () => {
	test('doubles from 0.5 s, with jitter between half and the whole', () => {
		for (const [attempt, ceiling] of [
			[1, 500],
			[2, 1000],
			[3, 2000],
			[4, 4000],
			[5, 8000],
			[9, 8000],
		]) {
			for (let i = 0; i < 50; i++) {
				const wait = backoff(attempt);
				expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
				expect(wait).toBeLessThanOrEqual(ceiling);
			}
		}
	});
});

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-11-26T12:00:00Z');
	test.each([
		['1', 1000],
		['0', 0],
		['2.5', 2500],
		['120', 120000],
		['Thu, 26 Nov 2026 12:00:30 GMT', 30000],
		['Thu, 26 Nov 2026 11:59:00 GMT', 0],
	])('%s → %i ms', (value, ms) => expect(parseRetryAfter({ retryAfter: value }, now)).toBe(ms));

	test.each([undefined, '', 'soon'])('%s → no wait given', (value) => {
		expect(parseRetryAfter({ retryAfter: value }, now)).toBeUndefined();
	});
});
