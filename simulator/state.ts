import { emailKey, ME_PATH } from './api';
import { FaultBook, fail, isNonNegative, validateFault } from './faults';
import { SAMPLE_CUSTOMERS } from './sampleCustomers';
import type { Fault, SimUser, SimulatorOptions, SimulatorStats } from './types';

export const DEFAULT_API_KEY = '4242$sim-key_abc123';

type Settings = Required<
	Omit<SimulatorOptions, 'port' | 'users' | 'maxInFlight' | 'randomFaults'>
> &
	Pick<SimulatorOptions, 'maxInFlight' | 'randomFaults'>;

const DEFAULTS: Settings = {
	apiKey: DEFAULT_API_KEY,
	latencyMs: 0,
	jitterMs: 0,
	maxInFlight: undefined,
	rateLimitRetryAfter: 1,
	randomFaults: undefined,
	logRequests: true,
	echoKey: false,
	unknownRoute: 'html',
};

const number = (name: string) => (v: unknown) =>
	isNonNegative(v) ? v : fail(`${name} must be a non-negative number`);
/** Each setting's check: returns the value or throws a TypeError. */
const CHECKS: { [K in keyof Settings]-?: (value: unknown) => unknown } = {
	apiKey: (v) =>
		typeof v === 'string' && v !== '' ? v : fail('apiKey must be a non-empty string'),
	latencyMs: number('latencyMs'),
	jitterMs: number('jitterMs'),
	maxInFlight: number('maxInFlight'),
	rateLimitRetryAfter: number('rateLimitRetryAfter'),
	randomFaults: (v) => v,
	logRequests: Boolean,
	echoKey: Boolean,
	unknownRoute: (v) =>
		['html', 'text', 'json'].includes(v as string)
			? v
			: fail('unknownRoute must be one of html, text, json'),
};

function userMap(users: unknown): Map<string, SimUser> {
	if (!Array.isArray(users)) fail('users must be a list');
	const map = new Map<string, SimUser>();
	for (const user of users as SimUser[]) {
		if (typeof user?.email !== 'string' || (user.status !== 'invited' && user.status !== 'active'))
			fail(`bad user ${JSON.stringify(user)}: need {email, status: 'invited' | 'active'}`);
		map.set(emailKey(user.email), { email: user.email, status: user.status });
	}
	return map;
}

export const bump = (counts: Record<string, number>, key: string) =>
	(counts[key] = (counts[key] ?? 0) + 1);

const zero = (inFlight: number): SimulatorStats => ({
	requests: 0,
	inFlight,
	maxInFlight: inFlight,
	byEmail: {},
	sentByEmail: {},
	statusCounts: {},
	log: [],
});

/** Users, settings, faults and counters of one simulator. */
export class SimState {
	settings = { ...DEFAULTS };
	users = new Map<string, SimUser>();
	readonly faults = new FaultBook();
	counts = zero(0);
	/** In-flight requests that were not rate-limited: what maxInFlight limits. */
	admitted = 0;

	constructor(private readonly initial: SimulatorOptions) {
		this.reset();
	}

	reset(): void {
		this.settings = { ...DEFAULTS };
		this.configure({ users: SAMPLE_CUSTOMERS, ...this.initial });
		this.faults.clear();
		// Requests still in flight stay counted: they will decrement when they end.
		this.counts = zero(this.counts.inFlight);
	}

	configure(partial: Partial<SimulatorOptions>): void {
		for (const [name, value] of Object.entries(partial)) {
			if (name === 'users') this.users = userMap(value ?? SAMPLE_CUSTOMERS);
			else if (name in CHECKS) {
				const key = name as keyof Settings;
				(this.settings as Record<string, unknown>)[key] =
					value == null ? DEFAULTS[key] : CHECKS[key](value);
			} else if (name !== 'port') fail(`unknown setting ${name}`);
		}
	}

	addFault(email: string, fault: Fault): void {
		if (typeof email !== 'string' || email.trim() === '') fail("email must be an address or '*'");
		const key = email === '*' || email === ME_PATH ? email : emailKey(email);
		this.faults.add(key, validateFault(fault));
	}

	stats(): SimulatorStats {
		const { byEmail, sentByEmail, statusCounts, log } = this.counts;
		return {
			...this.counts,
			byEmail: { ...byEmail },
			sentByEmail: { ...sentByEmail },
			statusCounts: { ...statusCounts },
			log: log.slice(),
		};
	}
}
