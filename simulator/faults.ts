import type { Fault, RandomFaults } from './types';

/**
 * Faults queued per key (a lower-cased address, '*' or ME_PATH). The head of a queue applies
 * until its `times` runs out, then the next takes over: "503 twice, then 429 once" is two adds.
 */
export class FaultBook {
	private readonly queues = new Map<string, Array<{ fault: Fault; left: number }>>();

	add(key: string, fault: Fault): void {
		const left = fault.times ?? Infinity;
		if (left > 0) this.queues.set(key, [...(this.queues.get(key) ?? []), { fault, left }]);
	}

	/** The fault for this request, the address's first, then '*' (unless `exact`); counts `times` down. */
	take(key: string | undefined, exact = false): Fault | undefined {
		return (
			(key === undefined ? undefined : this.takeFrom(key)) ??
			(exact ? undefined : this.takeFrom('*'))
		);
	}

	clear(): void {
		this.queues.clear();
	}

	private takeFrom(key: string): Fault | undefined {
		const queue = this.queues.get(key);
		const head = queue?.[0];
		if (head && --head.left <= 0) queue.shift();
		if (queue?.length === 0) this.queues.delete(key);
		return head?.fault;
	}
}

/**
 * Seeded random fault for the nth request (1-based) to an address. It depends only on
 * (seed, address, n), not on arrival order, so a concurrent run gets the faults of a sequential one.
 */
export function randomFault(config: RandomFaults, key: string, nth: number): Fault | undefined {
	let hash = 0x811c9dc5; // FNV-1a of the address
	for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
	let a = (config.seed ^ (hash >>> 0) ^ Math.imul(nth, 0x9e3779b1)) >>> 0;
	const next = () => {
		// mulberry32
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	if (next() >= config.rate) return undefined;
	return {
		status: config.statuses[Math.floor(next() * config.statuses.length)],
		retryAfter: config.retryAfter,
	};
}
