import { sleep } from 'n8n-workflow';

// n8n's sleep cannot be cleared, so long waits are slept in slices: after a cancel at most one
// slice's timer is left behind.
const SLICE_MS = 250;

/** Waits `ms`, or less if the execution is cancelled meanwhile (then it resolves early). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	let onAbort = () => {};
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
		await Promise.race([sleep(Math.min(left, SLICE_MS)), aborted]);
	}
	signal?.removeEventListener('abort', onAbort);
}
