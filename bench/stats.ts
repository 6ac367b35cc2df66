/** Small numeric helpers for repeated measurements. */

export interface Spread {
	median: number;
	min: number;
	max: number;
	runs: number[];
}

export function spread(values: number[]): Spread {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	const median =
		sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	return {
		median,
		min: sorted[0],
		max: sorted[sorted.length - 1],
		runs: values.map((value) => round(value, 1)),
	};
}

export function round(value: number, digits = 0): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

/** Addresses that got more than one successful send (= more than one e-mail). */
export function emailedMoreThanOnce(sentByEmail: Record<string, number>): number {
	return Object.values(sentByEmail).filter((count) => count > 1).length;
}
