import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
	type Answer,
	checkAuth,
	emailKey,
	emailOf,
	faultAnswer,
	GATEWAY_NOT_FOUND,
	ME_PATH,
	methodNotAllowed,
	RENEW_PATH,
	renewAnswer,
	withEchoedKey,
} from './api';
import { CONTROL_PREFIX, controlAnswer } from './control';
import { randomFault } from './faults';
import { SimState } from './state';
import type { AnswerStatus, Simulator, SimulatorOptions } from './types';

/**
 * Idle keep-alive connections are left for the client to close, as a real API's front end does
 * (nginx keeps them 75 s). With Node's default 5 s the client retires them at 4 s, and when the
 * shared event loop is busy across both deadlines, the server's close runs after the client has
 * written a request on the idle connection: a request reset before it arrives that no test asked
 * for. Shorter than headersTimeout (60 s).
 */
const IDLE_CONNECTION_MS = 30_000;

/** Starts a simulator on 127.0.0.1 (a free port unless options.port is set). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const state = new SimState(options);
	const sockets = new Set<Socket>();
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

	const log = (
		req: IncomingMessage,
		path: string,
		body: unknown,
		status: AnswerStatus,
		at: number,
	) =>
		state.addLog({
			method: req.method ?? 'GET',
			path,
			authorization: req.headers.authorization,
			body,
			status,
			at,
		});

	function renew(req: IncomingMessage, res: ServerResponse, requestId: string): void {
		const at = Date.now();
		const admitted = state.arrive();
		let open = true;
		const leave = () => {
			if (open) state.leave(admitted);
			open = false;
		};
		res.once('close', leave);
		readBody(req, (raw) => {
			const body = parse(raw);
			const email = emailOf(body);
			const key = email?.trim() ? emailKey(email) : undefined;
			const nth = key === undefined ? 0 : state.countEmail(key);
			const finish = (status: AnswerStatus, answer?: Answer) => {
				state.countAnswer(status, key);
				log(req, RENEW_PATH, body, status, at);
				if (answer) write(res, answer);
			};
			if (!admitted) {
				leave();
				return finish(
					429,
					faultAnswer({ retryAfter: state.settings.rateLimitRetryAfter }, requestId),
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
						? faultAnswer(fault, requestId)
						: (checkAuth(auth, state.settings.apiKey, requestId) ??
							renewAnswer(body, state.users, requestId));
				finish(answer.status, state.settings.echoKey ? withEchoedKey(answer, auth) : answer);
			});
		});
	}

	function other(
		req: IncomingMessage,
		res: ServerResponse,
		path: string,
		raw: string,
		requestId: string,
	): void {
		const method = req.method ?? 'GET';
		if (path.startsWith(CONTROL_PREFIX))
			return write(res, controlAnswer(state, `${method} ${path}`, raw));
		const fault = path === ME_PATH ? state.faults.take(ME_PATH, true) : undefined;
		let answer: Answer;
		if (fault?.status !== undefined) answer = faultAnswer(fault, requestId);
		else if (path === ME_PATH && method === 'GET')
			answer = checkAuth(req.headers.authorization, state.settings.apiKey, requestId) ?? {
				status: 200,
				body: { id: 1, email: 'reseller@example.com', status: 'active' },
			};
		else if (path === ME_PATH || path === RENEW_PATH) answer = methodNotAllowed(method, requestId);
		else answer = GATEWAY_NOT_FOUND[state.settings.unknownRoute];
		log(req, path, parse(raw), answer.status, Date.now());
		later(0, () => write(res, answer));
	}

	const server = http.createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		const requestId = `${idPrefix}-${(++lastId).toString(16).padStart(6, '0')}`;
		res.setHeader('x-request-id', requestId);
		if (path === RENEW_PATH && req.method === 'POST') renew(req, res, requestId);
		else readBody(req, (raw) => other(req, res, path, raw, requestId));
	});
	server.keepAliveTimeout = IDLE_CONNECTION_MS;
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	let closing: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		stats: () => state.stats(),
		reset: () => state.reset(),
		configure: (partial) => state.configure(partial),
		addFault: (email, fault) => state.addFault(email, fault),
		close: () =>
			(closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const timer of timers) clearTimeout(timer);
				timers.clear();
				// Hanging requests and idle keep-alive sockets would otherwise keep close() waiting.
				for (const socket of sockets) socket.destroy();
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

function write(res: ServerResponse, { status, body, contentType, retryAfter }: Answer): void {
	if (res.destroyed || res.writableEnded) return;
	const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
	const type =
		contentType ??
		(body === undefined
			? undefined
			: typeof body === 'string'
				? 'text/plain; charset=utf-8'
				: 'application/json');
	res.writeHead(status, {
		'content-length': Buffer.byteLength(text),
		...(type && { 'content-type': type }),
		...(retryAfter !== undefined && { 'retry-after': String(retryAfter) }),
	});
	res.end(text);
}
