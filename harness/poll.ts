import { setTimeout as sleep } from 'node:timers/promises';

/** `check` every `everyMs` until it returns a value; after `timeoutMs` throws what `timedOut` says. */
export async function pollUntil<T>(
	check: () => Promise<T | undefined>,
	timeoutMs: number,
	timedOut: () => string | Promise<string>,
	everyMs = 500,
): Promise<T> {
	for (const t0 = Date.now(); ; await sleep(everyMs)) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() - t0 > timeoutMs) throw new Error(await timedOut());
	}
}
