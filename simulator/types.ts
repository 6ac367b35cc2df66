/** Public types of the Gcore IAM simulator. */

export interface SimUser {
	email: string;
	status: 'invited' | 'active';
}

export interface Fault {
	/** Answer with this status. */
	status?: number;
	/** Body for that status (object → JSON); default: a Gcore-like JSON message. */
	body?: string | object;
	/** E.g. 'text/html' for HTML error pages. */
	contentType?: string;
	/** Retry-After header value (seconds or HTTP date). */
	retryAfter?: string | number;
	/** Destroy the socket without answering (the client sees ECONNRESET / socket hang up). */
	reset?: boolean;
	/** Never answer, until the client gives up or the simulator closes. */
	hang?: boolean;
	/** Answer (normally or with the fault) after this delay. */
	delayMs?: number;
	/** Apply to the next N matching requests, then disappear (default: forever). */
	times?: number;
}

export interface RandomFaults {
	/** Probability 0..1 that a renew_invitation request gets a fault. */
	rate: number;
	/** One of these is picked for each fault. */
	statuses: number[];
	seed: number;
	/** Retry-After (seconds) sent with every random fault, when set. */
	retryAfter?: number;
}

/** How a 404 for an unknown route looks: nginx's HTML page, Go's plain text, Kong's JSON. */
export type UnknownRouteStyle = 'html' | 'text' | 'json';

export interface SimulatorOptions {
	/** Default 0 = a free port; always binds 127.0.0.1. */
	port?: number;
	/** Default DEFAULT_API_KEY. */
	apiKey?: string;
	/** Default SAMPLE_CUSTOMERS. */
	users?: SimUser[];
	/** Added before every API answer (default 0). */
	latencyMs?: number;
	/** Plus a uniform random 0..jitterMs. */
	jitterMs?: number;
	/** renew_invitation requests arriving while this many are being processed get 429 + Retry-After. */
	maxInFlight?: number;
	/** Seconds, default 1. */
	rateLimitRetryAfter?: number;
	randomFaults?: RandomFaults;
	/** Keep a per-request log (default true). */
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
	/** Arrival time (ms since epoch). */
	at: number;
}

export interface SimulatorStats {
	/** renew_invitation requests received. */
	requests: number;
	/** Concurrent renew_invitation requests, now and peak. */
	inFlight: number;
	maxInFlight: number;
	/** Requests per address (lower-cased). */
	byEmail: Record<string, number>;
	/** 2xx answers (= e-mails sent) per address (lower-cased). */
	sentByEmail: Record<string, number>;
	/** Answers per status code, 'reset' / 'hang' / 'aborted' included. */
	statusCounts: Record<string, number>;
	log: LogEntry[];
}

export interface Simulator {
	/** Like http://127.0.0.1:PORT (no trailing slash). */
	url: string;
	port: number;
	stats(): SimulatorStats;
	/** Counters, log and faults back to zero; users and options back to those given at start. */
	reset(): void;
	configure(partial: Partial<SimulatorOptions>): void;
	setUsers(users: SimUser[]): void;
	/**
	 * Per address (case-insensitive), '*' for all renew_invitation requests, or
	 * '/iam/clients/me' for the account endpoint.
	 */
	addFault(email: string, fault: Fault): void;
	close(): Promise<void>;
}
