import { FaultBook, isNonNegative, validateFault, validateRandomFaults } from './faults';
import { SAMPLE_CUSTOMERS } from './sampleCustomers';
import type {
	AnswerStatus,
	Fault,
	LogEntry,
	RandomFaults,
	SimUser,
	SimulatorOptions,
	SimulatorStats,
	UnknownRouteStyle,
} from './types';

const UNKNOWN_ROUTE_STYLES: UnknownRouteStyle[] = ['html', 'text', 'json'];
/** Faults for this path are kept apart from those of renew_invitation. */
export const ME_FAULT_KEY = '/iam/clients/me';

export const DEFAULT_API_KEY = '4242$sim-key_abc123';

export interface Settings {
	apiKey: string;
	latencyMs: number;
	jitterMs: number;
	maxInFlight: number | undefined;
	rateLimitRetryAfter: number;
	randomFaults: RandomFaults | undefined;
	logRequests: boolean;
	echoKey: boolean;
	unknownRoute: UnknownRouteStyle;
}

/** How the simulator compares addresses: trimmed and lower-cased. */
export function emailKey(email: string): string {
	return email.trim().toLowerCase();
}

/** Users, settings, faults and counters of one simulator. */
export class SimState {
	settings!: Settings;
	readonly faults = new FaultBook();
	private users = new Map<string, SimUser>();
	private requests = 0;
	private inFlight = 0;
	private peakInFlight = 0;
	/** In-flight requests that were not rate-limited: what maxInFlight limits. */
	private admitted = 0;
	private byEmail = new Map<string, number>();
	private sentByEmail = new Map<string, number>();
	private statusCounts = new Map<string, number>();
	private log: LogEntry[] = [];

	constructor(private readonly initial: SimulatorOptions) {
		this.reset();
	}

	reset(): void {
		this.settings = {
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
		this.configure({ ...this.initial, users: this.initial.users ?? SAMPLE_CUSTOMERS });
		this.faults.clear();
		this.requests = 0;
		// Requests still in flight stay counted: they will decrement when they end.
		this.peakInFlight = this.inFlight;
		this.byEmail = new Map();
		this.sentByEmail = new Map();
		this.statusCounts = new Map();
		this.log = [];
	}

	/** A key that is present with undefined/null goes back to its default. Throws TypeError on bad values. */
	configure(partial: Partial<SimulatorOptions>): void {
		const has = (name: keyof SimulatorOptions) =>
			Object.prototype.hasOwnProperty.call(partial, name);
		const s = this.settings;
		if (has('apiKey')) {
			const key = partial.apiKey ?? DEFAULT_API_KEY;
			if (typeof key !== 'string' || key === '')
				throw new TypeError('apiKey must be a non-empty string');
			s.apiKey = key;
		}
		if (has('latencyMs')) s.latencyMs = number('latencyMs', partial.latencyMs, 0);
		if (has('jitterMs')) s.jitterMs = number('jitterMs', partial.jitterMs, 0);
		if (has('rateLimitRetryAfter'))
			s.rateLimitRetryAfter = number('rateLimitRetryAfter', partial.rateLimitRetryAfter, 1);
		if (has('maxInFlight')) {
			s.maxInFlight =
				partial.maxInFlight == null ? undefined : number('maxInFlight', partial.maxInFlight, 0);
		}
		if (has('randomFaults')) {
			s.randomFaults =
				partial.randomFaults == null ? undefined : validateRandomFaults(partial.randomFaults);
		}
		if (has('logRequests')) s.logRequests = partial.logRequests ?? true;
		if (has('echoKey')) s.echoKey = partial.echoKey ?? false;
		if (has('unknownRoute')) {
			const style = partial.unknownRoute ?? 'html';
			if (!UNKNOWN_ROUTE_STYLES.includes(style))
				throw new TypeError(`unknownRoute must be one of ${UNKNOWN_ROUTE_STYLES.join(', ')}`);
			s.unknownRoute = style;
		}
		if (has('users')) this.setUsers(partial.users ?? SAMPLE_CUSTOMERS);
	}

	setUsers(users: SimUser[]): void {
		if (!Array.isArray(users)) throw new TypeError('users must be a list');
		const map = new Map<string, SimUser>();
		for (const user of users) {
			if (
				typeof user?.email !== 'string' ||
				(user.status !== 'invited' && user.status !== 'active')
			) {
				throw new TypeError(
					`bad user ${JSON.stringify(user)}: need {email, status: 'invited' | 'active'}`,
				);
			}
			map.set(emailKey(user.email), { email: user.email, status: user.status });
		}
		this.users = map;
	}

	addFault(email: string, fault: Fault): void {
		if (typeof email !== 'string' || email.trim() === '')
			throw new TypeError("email must be an address or '*'");
		this.faults.add(
			email === '*' || email === ME_FAULT_KEY ? email : emailKey(email),
			validateFault(fault),
		);
	}

	findUser(key: string): SimUser | undefined {
		return this.users.get(key);
	}

	/** A renew_invitation request arrived. Returns false when it must be rate-limited. */
	arrive(): boolean {
		this.requests++;
		this.inFlight++;
		if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
		const max = this.settings.maxInFlight;
		if (max !== undefined && this.admitted >= max) return false;
		this.admitted++;
		return true;
	}

	/** Its answer was written or its socket died: called exactly once per arrive(). */
	leave(admitted: boolean): void {
		this.inFlight--;
		if (admitted) this.admitted--;
	}

	/** Counts a request for an address; returns how many it has had, this one included. */
	countEmail(key: string): number {
		const n = (this.byEmail.get(key) ?? 0) + 1;
		this.byEmail.set(key, n);
		return n;
	}

	/** An answer to a renew_invitation request (other paths are only logged). */
	countAnswer(status: AnswerStatus, key: string | undefined): void {
		const label = String(status);
		this.statusCounts.set(label, (this.statusCounts.get(label) ?? 0) + 1);
		if (key !== undefined && typeof status === 'number' && status >= 200 && status < 300) {
			this.sentByEmail.set(key, (this.sentByEmail.get(key) ?? 0) + 1);
		}
	}

	addLog(entry: LogEntry): void {
		this.log.push(entry);
	}

	stats(): SimulatorStats {
		return {
			requests: this.requests,
			inFlight: this.inFlight,
			maxInFlight: this.peakInFlight,
			byEmail: Object.fromEntries(this.byEmail),
			sentByEmail: Object.fromEntries(this.sentByEmail),
			statusCounts: Object.fromEntries(this.statusCounts),
			log: this.log.slice(),
		};
	}
}

function number(name: string, value: unknown, fallback: number): number {
	if (value == null) return fallback;
	if (!isNonNegative(value) || !Number.isFinite(value))
		throw new TypeError(`${name} must be a non-negative number`);
	return value;
}
