import { ProcessMap } from '../processState';
import { AccountGate } from './accountGate';
import { accountKey } from './accountKey';

/** What the process knows of each account's rate limit; an account unused for 10 minutes is learned again. */
const accounts = new ProcessMap<AccountGate>({
	idleMs: 10 * 60_000,
	maxEntries: 1_000,
	inUse: (gate, now) => !gate.isIdle(now),
	idleSince: (gate) => gate.lastUsedAt,
});

/** The shared rate-limit state of the account with this Base URL and API key. */
export function accountGate(baseUrl: string, apiKey: string): AccountGate {
	return accounts.use(accountKey(baseUrl, apiKey), () => new AccountGate());
}
