import { AccountGate } from './accountGate';
import { accountKey } from './accountKey';

/** An account nobody has used for this long is forgotten (its limit is learned again). */
const IDLE_MS = 10 * 60_000;
/** Idle accounts beyond this many are forgotten, the longest unused first. */
const MAX_ACCOUNTS = 1_000;

// Module state: one n8n process loads the node once, so every execution in it shares this.
const accounts = new Map<string, AccountGate>();
let lastSweepAt = 0;

/** The shared rate-limit state of the account with this Base URL and API key. */
export function accountGate(baseUrl: string, apiKey: string): AccountGate {
	const key = accountKey(baseUrl, apiKey);
	forgetIdle(Date.now());
	let gate = accounts.get(key);
	if (!gate) {
		gate = new AccountGate();
		accounts.set(key, gate);
	}
	return gate;
}

function forgetIdle(now: number): void {
	if (accounts.size < MAX_ACCOUNTS && now - lastSweepAt < 60_000) return;
	lastSweepAt = now;
	let excess = accounts.size - MAX_ACCOUNTS + 1;
	const idle = [...accounts].filter(([, gate]) => gate.isIdle(now)).sort(([, a], [, b]) => a.lastUsedAt - b.lastUsedAt);
	for (const [key, gate] of idle) {
		if (excess <= 0 && now - gate.lastUsedAt <= IDLE_MS) break;
		accounts.delete(key);
		excess--;
	}
}

/** Forgets every account, as a restart of n8n would. The tests start each case as a newly started n8n would. */
export function forgetAllAccounts(): void {
	accounts.clear();
}
