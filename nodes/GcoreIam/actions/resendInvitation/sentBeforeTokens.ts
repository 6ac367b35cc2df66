import { createHash } from 'node:crypto';

// What the node writes into n8n's deduplication store for a successful send, and what it asks.
// The store keeps plain strings without a time, and answering "is this string there?" also
// writes it. So time lives in the string, as a bucket number, and the node only ever asks for
// strings that may stay: the current bucket's. A send in bucket b writes its address with
// b, b+1, …, b+SLICES (buckets of window ÷ SLICES); a later check asks for its own bucket only,
// one string per address. Any send at most `window` ago is found; one up to window × (1 + 1/SLICES)
// ago may be found too. Two families: the option's window (its length is in the string, so a
// changed option starts afresh) and 24 h for retried executions.

const SLICES = 2;
export const RETRY_WINDOW_MINUTES = 24 * 60;
const MINUTE_MS = 60_000;

export type Family = { kind: 'window'; minutes: number } | { kind: 'retry' };

/** The address in the store: a hash of the normalised address, never the address itself. */
export function addressHash(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

function bucketMs(family: Family): number {
	const minutes = family.kind === 'retry' ? RETRY_WINDOW_MINUTES : family.minutes;
	return (minutes * MINUTE_MS) / SLICES;
}

function token(family: Family, bucket: number, hash: string): string {
	return family.kind === 'retry' ? `r:${bucket}:${hash}` : `w${family.minutes}:${bucket}:${hash}`;
}

/** What a check at `now` asks the store for. */
export function checkToken(family: Family, hash: string, now: number): string {
	return token(family, Math.floor(now / bucketMs(family)), hash);
}

/** What a send made between `from` and `to` writes, so that checks up to `window` after it find it. */
export function sentTokens(family: Family, hash: string, from: number, to: number): string[] {
	const size = bucketMs(family);
	const first = Math.floor(from / size);
	const last = Math.floor(to / size) + SLICES;
	const tokens: string[] = [];
	for (let bucket = first; bucket <= last; bucket++) tokens.push(token(family, bucket, hash));
	return tokens;
}
