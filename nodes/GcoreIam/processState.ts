// State shared by the executions of this node in one n8n instance. n8n loads a community node
// once per process, so module state is that state. Every such map is made here, each with its
// expiry, and one call forgets them all, as a restart of n8n would.

export interface Expiry<V> {
	/** An entry not in use is forgotten this long after `idleSince`. */
	idleMs: number;
	/** Beyond this many entries, those not in use are forgotten, the longest idle first. */
	maxEntries: number;
	/** Never forgotten while this holds (runs using it, requests in flight). Default: never in use. */
	inUse?: (value: V, now: number) => boolean;
	/** When the entry was last used. Default: when `use` last returned it. */
	idleSince?: (value: V) => number;
}

/** Expired entries are looked for at most this often, unless the map holds more than its maximum. */
const SWEEP_EVERY_MS = 1_000;

const registry = new Set<ProcessMap<unknown>>();

export class ProcessMap<V> {
	private readonly entries = new Map<string, { value: V; usedAt: number }>();

	private sweptAt = 0;

	/** Without an expiry, an entry stays until it is deleted. */
	constructor(private readonly expiry: Expiry<V> = { idleMs: Infinity, maxEntries: Infinity }) {
		registry.add(this as ProcessMap<unknown>);
	}

	/** The entry for `key`, made by `create` when there is none; forgets expired entries first. */
	use(key: string, create: () => V): V {
		const now = Date.now();
		this.sweep(now);
		let entry = this.entries.get(key);
		if (!entry) {
			entry = { value: create(), usedAt: now };
			this.entries.set(key, entry);
		}
		entry.usedAt = now;
		return entry.value;
	}

	get(key: string): V | undefined {
		return this.entries.get(key)?.value;
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
		this.sweptAt = 0;
	}

	private sweep(now: number): void {
		const { idleMs, maxEntries, inUse, idleSince } = this.expiry;
		if (this.entries.size < maxEntries && now - this.sweptAt < SWEEP_EVERY_MS) return;
		this.sweptAt = now;
		const idle = [...this.entries]
			.filter(([, entry]) => !inUse?.(entry.value, now))
			.map(([key, entry]) => ({ key, since: idleSince?.(entry.value) ?? entry.usedAt }))
			.sort((a, b) => a.since - b.since);
		// One place is kept free for the entry about to be made.
		let excess = this.entries.size - maxEntries + 1;
		for (const { key, since } of idle) {
			if (excess <= 0 && now - since <= idleMs) break;
			this.entries.delete(key);
			excess--;
		}
	}
}

/** Forgets everything this process has kept, as a restart of n8n would. */
export function forgetProcessState(): void {
	for (const map of registry) map.clear();
}
