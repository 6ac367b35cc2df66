// Turn-taking between executions of this node in one n8n process (module state is shared by
// all executions of a process; each queue-mode worker is a process of its own): an execution
// must not check an address that another one is sending to before that one has written its
// answer. (The store calls themselves take turns in sentBeforeLock.ts.)

// Per store row and address hash: settles when the run sending to it has written its answers.
const inFlight = new Map<string, Promise<void>>();

/** Waits for other runs sending to these addresses, then marks them as this run's; call the result when done. */
export async function takeAddresses(row: string, hashes: string[], signal?: AbortSignal): Promise<() => void> {
	const aborted = new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
	for (;;) {
		const busy = new Set<Promise<void>>();
		for (const hash of hashes) {
			const other = inFlight.get(`${row}\u0000${hash}`);
			if (other) busy.add(other);
		}
		if (busy.size === 0 || signal?.aborted) break;
		await Promise.race([Promise.all(busy), aborted]);
	}
	let finish = () => {};
	const mine = new Promise<void>((resolve) => (finish = resolve));
	const keys = hashes.map((hash) => `${row}\u0000${hash}`);
	for (const key of keys) inFlight.set(key, mine);
	return () => {
		for (const key of keys) if (inFlight.get(key) === mine) inFlight.delete(key);
		finish();
	};
}
