export interface SimUser {
	email: string;
	status: 'invited' | 'active';
}

/** What the next `times` (default: all) requests get instead of Gcore's answer. */
export interface Fault {
	status?: number;
	/** default: a Gcore-like JSON message */
	body?: string | object;
	contentType?: string;
	retryAfter?: string | number;
	/** reset: destroy the socket unanswered (ECONNRESET); hang: never answer */
	reset?: boolean;
	hang?: boolean;
	delayMs?: number;
	times?: number;
}

/** A seeded fault with probability `rate` per renew_invitation request, its status one of `statuses`. */
export interface RandomFaults {
	rate: number;
	statuses: number[];
	seed: number;
	retryAfter?: number;
}

/** How a gateway's 404 for a wrong path looks: nginx's HTML page, Go's plain text, Kong's JSON. */
export type UnknownRouteStyle = 'html' | 'text' | 'json';

export interface SimulatorOptions {
	/** default 0: a free port on 127.0.0.1 */
	port?: number;
	apiKey?: string;
	users?: SimUser[];
	/** before every answer: latencyMs plus a random 0..jitterMs */
	latencyMs?: number;
	jitterMs?: number;
	/** renew_invitation requests beyond this many in flight get 429 with rateLimitRetryAfter (s) */
	maxInFlight?: number;
	rateLimitRetryAfter?: number;
	randomFaults?: RandomFaults;
	logRequests?: boolean;
	/** every error answer with a JSON body echoes the token it was sent */
	echoKey?: boolean;
	unknownRoute?: UnknownRouteStyle;
}

export interface LogEntry {
	method: string;
	path: string;
	authorization?: string;
	body: unknown;
	/** 'aborted': the client went away before the (delayed) answer was due */
	status: number | 'reset' | 'hang' | 'aborted';
	/** arrival, ms since epoch */
	at: number;
}

/** Counts of renew_invitation requests (per lower-cased address: requests, 2xx answers); the log has every path. */
export interface SimulatorStats {
	requests: number;
	inFlight: number;
	maxInFlight: number;
	byEmail: Record<string, number>;
	sentByEmail: Record<string, number>;
	statusCounts: Record<string, number>;
	log: LogEntry[];
}

export type Simulator = Awaited<ReturnType<typeof import('./server').startSimulator>>;
