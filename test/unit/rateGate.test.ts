import { RateGate } from '../../nodes/GcoreIam/transport/rateGate';

describe('RateGate: the number in flight adapts to what the API admits', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-26T12:00:00Z') }));
	afterEach(() => jest.useRealTimers());

	test('a 429 for the 6th request in flight lowers the limit to 5; it creeps back once the 429s stop', async () => {
		const gate = new RateGate(10);
		gate.rateLimited(6, 1000);
		expect(gate.currentLimit).toBe(5);

		jest.setSystemTime(Date.now() + 4_000);
		await gate.acquire();
		gate.release();
		expect(gate.currentLimit).toBe(5);

		jest.setSystemTime(Date.now() + 1_000);
		await gate.acquire();
		gate.release();
		expect(gate.currentLimit).toBe(6);

		for (let i = 0; i < 10; i++) {
			jest.setSystemTime(Date.now() + 5_000);
			await gate.acquire();
			gate.release();
		}
		expect(gate.currentLimit).toBe(10);
	});

	test('never below one, and later 429s only lower it', () => {
		const gate = new RateGate(4);
		gate.rateLimited(1, 0);
		expect(gate.currentLimit).toBe(1);
		gate.rateLimited(3, 0);
		expect(gate.currentLimit).toBe(1);
	});

	test('holds requests beyond the limit until one is released', async () => {
		const gate = new RateGate(2);
		expect(await gate.acquire()).toBe(1);
		expect(await gate.acquire()).toBe(2);
		let third = false;
		const waiting = gate.acquire().then((place) => {
			third = true;
			return place;
		});
		await Promise.resolve();
		expect(third).toBe(false);
		gate.release();
		expect(await waiting).toBe(2);
	});
});

describe('RateGate: pacing', () => {
	test('after a 40 ms answer, starts with 10 allowed in flight keep to a schedule 3 ms apart', async () => {
		const gate = new RateGate(10);
		gate.answered(40);
		const startedAt: number[] = [];
		for (let i = 0; i < 5; i++) {
			await gate.acquire();
			startedAt.push(performance.now());
		}
		// The k-th start is due 3k ms after the first; a late timer lets the next one catch up.
		expect(startedAt[4] - startedAt[0]).toBeGreaterThanOrEqual(4 * 3 - 1);
	});

	test('no pacing before any answer, nor when answers are fast', async () => {
		jest.useFakeTimers();
		try {
			// With the clock stopped, a start that had to wait would never come.
			const gate = new RateGate(10);
			for (let i = 0; i < 5; i++) await gate.acquire();
			gate.answered(5);
			for (let i = 0; i < 4; i++) await gate.acquire();
			expect(jest.getTimerCount()).toBe(0);
		} finally {
			jest.useRealTimers();
		}
	});
});
