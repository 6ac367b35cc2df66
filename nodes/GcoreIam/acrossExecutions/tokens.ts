import { createHash } from 'node:crypto';

// The strings the node keeps in its own deduplication record. n8n's store holds plain strings
// without a time, and asking whether a string is there also writes it, so time lives in the
// string as a bucket number. See DESIGN.md for why a check never makes an address look sent.

/** A send stays findable for the window plus up to a further window ÷ SLICES. */
const SLICES = 2;
export const RETRY_WINDOW_MINUTES = 24 * 60;
/** Claims live in buckets this long. */
export const CLAIM_BUCKET_MS = 15_000;
/**
 * A claimant holds the bucket of now and the bucket of this much later, from its check on, so
 * that its claim is there when a bucket begins, before its next renewal.
 */
export const CLAIM_AHEAD_MS = 3_000;
const MINUTE_MS = 60_000;

export type Family = { kind: 'window'; minutes: number } | { kind: 'retry' };

/** What one check asks for one address, in this order (the order n8n appends them in). */
export interface Asked {
	sent: string;
	unsent: string;
	claim: string;
	/** The claim of CLAIM_AHEAD_MS later: the same string except near a bucket's end. */
	ahead: string;
}

/** The strings of a check, each once, in the order of `Asked`. */
export const askedTokens = (asked: Asked): string[] => [
	...new Set([asked.sent, asked.unsent, asked.claim, asked.ahead]),
];

/** The address in the store: a hash of the normalised address, never the address itself. */
export function addressHash(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

const familyTag = (family: Family) => (family.kind === 'retry' ? 'r' : `w${family.minutes}`);
const bucketMs = (family: Family) =>
	((family.kind === 'retry' ? RETRY_WINDOW_MINUTES : family.minutes) * MINUTE_MS) / SLICES;
const sentToken = (family: Family, bucket: number, hash: string) =>
	`s|${familyTag(family)}|${bucket}|${hash}`;
const unsentToken = (family: Family, bucket: number, hash: string) =>
	`u|${familyTag(family)}|${bucket}|${hash}`;

export const claimBucket = (now: number) => Math.floor(now / CLAIM_BUCKET_MS);
export const claimToken = (bucket: number, hash: string) => `c|${bucket}|${hash}`;

/** What a check at `now` asks the store for. */
export function checkTokens(family: Family, hash: string, now: number): Asked {
	const bucket = Math.floor(now / bucketMs(family));
	return {
		sent: sentToken(family, bucket, hash),
		unsent: unsentToken(family, bucket, hash),
		claim: claimToken(claimBucket(now), hash),
		ahead: claimToken(claimBucket(now + CLAIM_AHEAD_MS), hash),
	};
}

/**
 * What a 2xx between `from` and `to` adds and removes, so that every check up to a window after
 * it finds "sent": the sent mark of each bucket, and the not-sent marks that checks up to `to`
 * can have written (later buckets have none yet; n8n's removal costs a scan of the record each).
 */
export function recordTokens(
	family: Family,
	hash: string,
	from: number,
	to: number,
): { add: string[]; remove: string[] } {
	const size = bucketMs(family);
	const add: string[] = [];
	const remove: string[] = [];
	for (let bucket = Math.floor(from / size); bucket <= Math.floor(to / size) + SLICES; bucket++) {
		add.push(sentToken(family, bucket, hash));
		if (bucket <= Math.floor(to / size)) remove.push(unsentToken(family, bucket, hash));
	}
	return { add, remove };
}

/**
 * What the store's answer to a check says of one address: sent before (a recorded 2xx), claimed
 * by another run, or free (this run now holds the claim). `takeBack` lists what the check wrote
 * that must go again.
 */
export function readCheck(
	asked: Asked,
	found: Set<string>,
): { state: 'sent' | 'claimed' | 'free'; takeBack: string[] } {
	const isSent = found.has(asked.sent);
	const isUnsent = found.has(asked.unsent);
	const claimed = found.has(asked.claim);
	// The claims this check wrote; a run that does not send must not look like a claimant.
	const wroteClaims = [...new Set([asked.claim, asked.ahead])].filter((claim) => !found.has(claim));
	// The check wrote "not sent" over a recorded send: undo that, and its claims.
	if (isSent && !isUnsent) return { state: 'sent', takeBack: [asked.unsent, ...wroteClaims] };
	if (claimed) return { state: 'claimed', takeBack: wroteClaims };
	return { state: 'free', takeBack: [] };
}
