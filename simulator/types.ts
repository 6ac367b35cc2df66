/** Public types of the Gcore IAM simulator. */

export interface SimUser {
	email: string;
	status: 'invited' | 'active';
}

/** What the next requests (`times`, default: all) for an address get instead of Gcore's answer. */
export interface Fault {
	status?: number;
	/** Body for that status (object → JSON); default: a Gcore-like JSON message. */
	body?: string | object;
	contentType?: string;
	/** Retry-After header value (seconds or HTTP date). */
	retryAfter?: string | number;
	/** Destroy the socket without answering (ECONNRESET); never answer; answer after this delay. */
	reset?: boolean;
	hang?: boolean;
	delayMs?: number;
	times?: number;
}

/** A seeded fault with probability `rate` per renew_invitation request, status one of `statuses`. */
export interface RandomFaults {
	rate: number;
	statuses: number[];
	seed: number;
	/** Retry-After (seconds) of every random fault. */
	retryAfter?: number;
}

/** How a 404 for an unknown route looks: nginx's HTML page, Go's plain text, Kong's JSON. */
export type UnknownRouteStyle = 'html' | 'text' | 'json';

export interface SimulatorOptions {
	/** Default 0 = a free port on 127.0.0.1. Defaults: DEFAULT_API_KEY, SAMPLE_CUSTOMERS. */
	port?: number;
	apiKey?: string;
	users?: SimUser[];
	/** Added before every API answer (default 0), plus a uniform random 0..jitterMs. */
	latencyMs?: number;
	jitterMs?: number;
	/** renew_invitation requests arriving while this many are being processed get 429 + Retry-After. */
	maxInFlight?: number;
	/** Retry-After of those 429s (seconds, default 1). */
	rateLimitRetryAfter?: number;
	randomFaults?: RandomFaults;
	/** Default true. */
	logRequests?: boolean;
	/** Every renew_invitation error answer with a JSON body echoes the token it was sent (default false). */
	echoKey?: boolean;
	/** The 404 for paths the API does not have (default 'html'). */
	unknownRoute?: UnknownRouteStyle;
}

/** 'aborted': the client went away before the (delayed) answer was due. */
export type AnswerStatus = number | 'reset' | 'hang' | 'aborted';

export interface LogEntry {
	method: string;
	path: string;
	authorization?: string;
	/** Parsed JSON when the body is JSON, else the raw text. */
	body: unknown;
	status: AnswerStatus;
	/** Arrival, ms since epoch. */
	at: number;
}

/** Counts of renew_invitation requests; the log has every path. */
export interface SimulatorStats {
	requests: number;
	/** Concurrent requests, now and peak. */
	inFlight: number;
	maxInFlight: number;
	/** Requests, and 2xx answers (= e-mails sent), per address (trimmed, lower-cased). */
	byEmail: Record<string, number>;
	sentByEmail: Record<string, number>;
	/** Answers per status code, 'reset' / 'hang' / 'aborted' included. */
	statusCounts: Record<string, number>;
	log: LogEntry[];
}

export interface Simulator {
	/** Like http://127.0.0.1:PORT (no trailing slash). */
	url: string;
	stats(): SimulatorStats;
	/** Counters, log and faults back to zero; users and options back to those given at start. */
	reset(): void;
	/** A key given as undefined goes back to its default; throws a TypeError on a bad value. */
	configure(partial: Partial<SimulatorOptions>): void;
	/** Per address (case-insensitive), '*' for all renew_invitation requests, or ME_PATH. */
	addFault(email: string, fault: Fault): void;
	close(): Promise<void>;
}
