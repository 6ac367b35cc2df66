/**
 * tsx bench/storeHelperCpu.ts: the CPU one call of n8n's deduplication store spends in JS on a
 * record of n strings, outside any database, the way n8n 2.41.1's DeduplicationHelper works (read:
 * JSON.parse of the row; check: a Set of the record, push the new; remove: findIndex + splice per
 * string; write: JSON.stringify). The fastest of many repetitions, so a busy machine's waits drop
 * out: what a quiet machine would spend. Prints one JSON line per record size.
 */
import { createHash } from 'node:crypto';

const md5 = (text: string) => createHash('md5').update(text).digest('base64');
const REPS = 15;

function fastest(work: () => void): number {
	let best = Infinity;
	for (let rep = 0; rep < REPS; rep++) {
		const t0 = performance.now();
		work();
		best = Math.min(best, performance.now() - t0);
	}
	return best;
}

for (const size of [1_000, 10_000, 100_000]) {
	const text = JSON.stringify({
		mode: 'entries',
		data: Array.from({ length: size }, (_, i) => md5(`prefill ${i}`)),
	});
	const absent = Array.from({ length: 100 }, (_, i) => md5(`absent ${i}`));
	const parseMs = fastest(() => JSON.parse(text));
	const value = JSON.parse(text) as { data: string[] };
	const setMs = fastest(() => new Set(value.data));
	const stringifyMs = fastest(() => JSON.stringify(value));
	// An absent string is the worst case and the common one (most strings the node removes were never added).
	const removePerStringMs =
		fastest(() => absent.forEach((item) => value.data.findIndex((stored) => stored === item))) /
		absent.length;
	const round = (ms: number) => Math.round(ms * 1000) / 1000;
	process.stdout.write(
		`${JSON.stringify({ size, megabytes: round(text.length / 1e6), parseMs: round(parseMs), setMs: round(setMs), stringifyMs: round(stringifyMs), removePerStringMs: round(removePerStringMs) })}\n`,
	);
}
