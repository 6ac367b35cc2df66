import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http, {
	type IncomingMessage,
	type OutgoingHttpHeaders,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import * as api from './api';
import { CONTROL_PREFIX, controlAnswer } from './control';
import { randomFault } from './faults';
import { bump, SimState } from './state';
import type { Fault, LogEntry, SimulatorOptions } from './types';

// Idle keep-alive connections are left for the client to close, as nginx does: with Node's 5 s,
// on a busy event loop the server closed one a request had just been written on (ECONNRESET).
const IDLE_CONNECTION_MS = 30_000;

/** Starts a simulator on 127.0.0.1 (a free port unless options.port is set). */
export async function startSimulator(options: SimulatorOptions = {}) {
	const state = new SimState(options);
	const timers = new Set<NodeJS.Timeout>();
	const idPrefix = randomBytes(4).toString('hex');
	let lastId = 0;

	/** Runs fn after the latency (plus extraMs); synchronously when that is 0: no timer on the fast path. */
	const later = (extraMs: number, fn: () => void) => {
		const { latencyMs, jitterMs } = state.settings;
		const ms = latencyMs + (jitterMs > 0 ? Math.random() * jitterMs : 0) + extraMs;
		if (ms <= 0) return fn();
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timers.add(timer);
	};

	const log = (req: IncomingMessage, entry: Omit<LogEntry, 'method' | 'authorization'>) => {
		const { method = 'GET', headers } = req;
		if (state.settings.logRequests)
			state.counts.log.push({ method, authorization: headers.authorization, ...entry });
	};

	function renew(req: IncomingMessage, res: ServerResponse, requestId: string): void {
		const at = Date.now();
		const { counts, settings } = state;
		counts.requests++;
		counts.maxInFlight = Math.max(counts.maxInFlight, ++counts.inFlight);
		const admitted = settings.maxInFlight === undefined || state.admitted < settings.maxInFlight;
		if (admitted) state.admitted++;
		let open = true;
		/** Its answer was written or its socket died: once per request. */
		const leave = () => {
			if (open && admitted) state.admitted--;
			if (open) state.counts.inFlight--;
			open = false;
		};
		res.once('close', leave);
		readBody(req, (raw) => {
			const body = parse(raw);
			const email = (body as { email?: unknown } | undefined)?.email;
			const key = typeof email === 'string' ? api.emailKey(email) : undefined;
			const nth = key === undefined ? 0 : bump(state.counts.byEmail, key);
			const finish = (status: LogEntry['status'], answer?: api.Answer) => {
				bump(state.counts.statusCounts, String(status));
				if (key !== undefined && typeof status === 'number' && status >= 200 && status < 300)
					bump(state.counts.sentByEmail, key);
				log(req, { path: api.RENEW_PATH, body, status, at });
				if (answer) write(res, answer);
			};
			if (!admitted) {
				leave();
				return finish(
					429,
					api.faultAnswer({ retryAfter: settings.rateLimitRetryAfter }, requestId),
				);
			}
			const random = state.settings.randomFaults;
			const fault = state.faults.take(key) ?? (random && randomFault(random, key ?? '', nth));
			if (fault?.hang) return finish('hang');
			later(fault?.delayMs ?? 0, () => {
				if (!open) return finish('aborted');
				leave();
				if (fault?.reset) {
					finish('reset');
					return req.socket.resetAndDestroy();
				}
				const auth = req.headers.authorization;
				const answer =
					fault?.status !== undefined
						? api.faultAnswer(fault, requestId)
						: (api.checkAuth(auth, state.settings.apiKey, requestId) ??
							api.renewAnswer(key, state.users, requestId));
				finish(answer.status, state.settings.echoKey ? api.withEchoedKey(answer, auth) : answer);
			});
		});
	}

	/** The control API, the account endpoint and the gateway's 404. */
	function other(req: IncomingMessage, res: ServerResponse, path: string, raw: string, id: string) {
		if (path.startsWith(CONTROL_PREFIX))
			return write(res, controlAnswer(state, `${req.method} ${path}`, raw));
		const fault = path === api.ME_PATH ? state.faults.take(api.ME_PATH, true) : undefined;
		const answer =
			fault?.status !== undefined
				? api.faultAnswer(fault, id)
				: path !== api.ME_PATH
					? api.GATEWAY_NOT_FOUND[state.settings.unknownRoute]
					: (api.checkAuth(req.headers.authorization, state.settings.apiKey, id) ?? api.ME_ANSWER);
		log(req, { path, body: parse(raw), status: answer.status, at: Date.now() });
		later(0, () => write(res, answer));
	}

	const server = http.createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		const requestId = `${idPrefix}-${(++lastId).toString(16).padStart(6, '0')}`;
		res.setHeader('x-request-id', requestId);
		if (path === api.RENEW_PATH && req.method === 'POST') renew(req, res, requestId);
		else readBody(req, (raw) => other(req, res, path, raw, requestId));
	});
	server.keepAliveTimeout = IDLE_CONNECTION_MS;
	await once(server.listen(options.port ?? 0, '127.0.0.1'), 'listening');
	let closing: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		stats: () => state.stats(),
		/** Counters, log and faults back to zero; users and options back to those given at start. */
		reset: () => state.reset(),
		/** A key given as undefined goes back to its default. */
		configure: (partial: Partial<SimulatorOptions>) => state.configure(partial),
		/** Per address (case-insensitive), '*' for all renew_invitation requests, or ME_PATH. */
		addFault: (email: string, fault: Fault) => state.addFault(email, fault),
		close: () =>
			(closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const timer of timers) clearTimeout(timer);
				// Hanging requests and idle keep-alive sockets would otherwise keep close() waiting.
				server.closeAllConnections();
			})),
	};
}

function readBody(req: IncomingMessage, done: (raw: string) => void): void {
	const chunks: Buffer[] = [];
	req.on('data', (chunk: Buffer) => chunks.push(chunk));
	req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
	// A client that goes away mid-body is handled by the response's 'close'.
	req.on('error', () => undefined);
}

/** JSON when it parses, else the raw text (undefined when empty). */
function parse(raw: string): unknown {
	if (raw === '') return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

function write(res: ServerResponse, { status, body, contentType, retryAfter }: api.Answer): void {
	if (res.destroyed || res.writableEnded) return;
	const text = typeof body === 'object' ? JSON.stringify(body) : (body ?? '');
	const headers: OutgoingHttpHeaders = { 'content-length': Buffer.byteLength(text) };
	if (body !== undefined)
		headers['content-type'] =
			contentType ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
	if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
	res.writeHead(status, headers).end(text);
}
