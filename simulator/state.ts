import { emailKey, ME_PATH } from './api';
import { FaultBook } from './faults';
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
			if (name === 'users')
				this.users = new Map(
					((value ?? SAMPLE_CUSTOMERS) as SimUser[]).map((u) => [emailKey(u.email), u]),
				);
			else if (name in DEFAULTS)
				Object.assign(this.settings, { [name]: value ?? DEFAULTS[name as keyof Settings] });
			else if (name !== 'port') throw new TypeError(`unknown setting ${name}`);
		}
	}

	addFault(email: string, fault: Fault): void {
		if (fault.status === undefined && !fault.reset && !fault.hang && fault.delayMs === undefined)
			throw new TypeError('fault needs status, reset, hang or delayMs');
		this.faults.add(email === '*' || email === ME_PATH ? email : emailKey(email), fault);
	}

	stats(): SimulatorStats {
		return structuredClone(this.counts);
	}
}
