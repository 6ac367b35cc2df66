import { createHash } from 'node:crypto';

// The strings kept in the node's own record, per address hash and time bucket (half a window):
// "asked" (s) and "not sent" (u). A check asks for both, which writes both; only a recorded 2xx
// removes "not sent". So an address reads as sent only where a 2xx was recorded.

export type Family = { kind: 'window'; minutes: number } | { kind: 'retry' };
export interface Marks {
	sent: string;
	unsent: string;
}

const RETRY_WINDOW_MINUTES = 24 * 60;
/** A send stays findable for its window plus up to a further window ÷ SLICES. */
const SLICES = 2;

/** The address in the store: a hash of the normalised address, never the address itself. */
export const addressHash = (key: string) =>
	createHash('sha256').update(key).digest('base64url').slice(0, 22);

const tag = (family: Family) => (family.kind === 'retry' ? 'r' : `w${family.minutes}`);
const minutesOf = (family: Family) =>
	family.kind === 'retry' ? RETRY_WINDOW_MINUTES : family.minutes;
const bucketOf = (family: Family, time: number) =>
	Math.floor((time * SLICES) / (minutesOf(family) * 60_000));
const mark = (letter: 's' | 'u', family: Family, bucket: number, hash: string) =>
	`${letter}|${tag(family)}|${bucket}|${hash}`;

export function checkMarks(family: Family, hash: string, now: number): Marks {
	const bucket = bucketOf(family, now);
	return { sent: mark('s', family, bucket, hash), unsent: mark('u', family, bucket, hash) };
}

export const wasSent = (marks: Marks, found: Set<string>) =>
	found.has(marks.sent) && !found.has(marks.unsent);

/** A 2xx between `from` and `to`: "asked" up to a window ahead, "not sent" removed where checks wrote it. */
export function recordMarks(family: Family, hash: string, from: number, to: number) {
	const last = bucketOf(family, to);
	const add: string[] = [];
	const remove: string[] = [];
	for (let bucket = bucketOf(family, from); bucket <= last + SLICES; bucket++) {
		add.push(mark('s', family, bucket, hash));
		if (bucket <= last) remove.push(mark('u', family, bucket, hash));
	}
	return { add, remove };
}
