import { STATUS_CODES } from 'node:http';
import type { Fault, RandomFaults } from './types';

interface Queued {
	fault: Fault;
	left: number;
}

/**
 * Faults queued per key (a lower-cased address or '*'). The first fault of a queue applies
 * until its `times` runs out, then the next one takes over, so "503 twice, then 429 once" is
 * two addFault calls.
 */
export class FaultBook {
	private readonly queues = new Map<string, Queued[]>();

	add(key: string, fault: Fault): void {
		const left = fault.times ?? Infinity;
		if (left <= 0) return;
		const queue = this.queues.get(key);
		if (queue) queue.push({ fault, left });
		else this.queues.set(key, [{ fault, left }]);
	}

	/** The fault for this request, per address first, then '*' (unless `exact`); counts `times` down. */
	take(key: string | undefined, exact = false): Fault | undefined {
		if (this.queues.size === 0) return undefined;
		return (
			(key !== undefined ? this.takeFrom(key) : undefined) ??
			(exact ? undefined : this.takeFrom('*'))
		);
	}

	clear(): void {
		this.queues.clear();
	}

	private takeFrom(key: string): Fault | undefined {
		const queue = this.queues.get(key);
		if (!queue) return undefined;
		const head = queue[0];
		head.left -= 1;
		if (head.left <= 0) {
			queue.shift();
			if (queue.length === 0) this.queues.delete(key);
		}
		return head.fault;
	}
}

/**
 * Seeded random fault for the nth request (1-based) to an address. It depends only on
 * (seed, address, n), not on arrival order, so a run with concurrency gets the same faults
 * as a sequential one.
 */
export function randomFault(config: RandomFaults, key: string, nth: number): Fault | undefined {
	const next = mulberry32((config.seed ^ fnv1a(key) ^ Math.imul(nth, 0x9e3779b1)) >>> 0);
	if (next() >= config.rate) return undefined;
	const status = config.statuses[Math.floor(next() * config.statuses.length)];
	return { status, retryAfter: config.retryAfter };
}

export function defaultFaultMessage(status: number): string {
	return status === 429 ? 'Too many requests' : (STATUS_CODES[status] ?? 'Error');
}

/** Throws a TypeError naming the first bad field (used for input from the control API). */
export function validateFault(fault: unknown): Fault {
	if (typeof fault !== 'object' || fault === null || Array.isArray(fault)) {
		throw new TypeError('fault must be an object');
	}
	const f = fault as Record<string, unknown>;
	if (f.status !== undefined && !isStatus(f.status))
		throw new TypeError('fault.status must be an HTTP status code');
	for (const name of ['delayMs', 'times'] as const) {
		if (f[name] !== undefined && !isNonNegative(f[name])) {
			throw new TypeError(`fault.${name} must be a non-negative number`);
		}
	}
	if (f.status === undefined && !f.reset && !f.hang && f.delayMs === undefined) {
		throw new TypeError('fault needs status, reset, hang or delayMs');
	}
	return f as Fault;
}

export function validateRandomFaults(value: unknown): RandomFaults {
	const r = value as RandomFaults;
	if (typeof r !== 'object' || r === null) throw new TypeError('randomFaults must be an object');
	if (!(typeof r.rate === 'number' && r.rate >= 0 && r.rate <= 1)) {
		throw new TypeError('randomFaults.rate must be between 0 and 1');
	}
	if (!Array.isArray(r.statuses) || r.statuses.length === 0 || !r.statuses.every(isStatus)) {
		throw new TypeError('randomFaults.statuses must be a non-empty list of HTTP status codes');
	}
	if (!Number.isFinite(r.seed)) throw new TypeError('randomFaults.seed must be a number');
	if (r.retryAfter !== undefined && !isNonNegative(r.retryAfter)) {
		throw new TypeError('randomFaults.retryAfter must be a non-negative number');
	}
	return r;
}

export function isNonNegative(value: unknown): value is number {
	return typeof value === 'number' && value >= 0 && !Number.isNaN(value);
}

function isStatus(value: unknown): boolean {
	return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
}

function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
	}
	return hash >>> 0;
}

function mulberry32(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
