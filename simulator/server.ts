import { randomBytes } from 'node:crypto';
import http, {
	type IncomingMessage,
	type OutgoingHttpHeaders,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
	type Answer,
	emailOf,
	faultAnswer,
	ME_PATH,
	meAnswer,
	methodNotAllowed,
	notFoundPage,
	rateLimited,
	RENEW_PATH,
	renewAnswer,
	withEchoedKey,
} from './api';
import { CONTROL_PREFIX, controlAnswer } from './control';
import { randomFault } from './faults';
import { emailKey, ME_FAULT_KEY, SimState } from './state';
import type { AnswerStatus, Simulator, SimulatorOptions } from './types';

/** Far longer than Node's client agent keeps an idle connection (5 s); shorter than headersTimeout (60 s). */
const IDLE_CONNECTION_MS = 30_000;

/** Starts a simulator on 127.0.0.1 (a free port unless options.port is set). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const sim = new SimServer(new SimState(options));
	return sim.listen(options.port ?? 0);
}

class SimServer {
	private readonly server = http.createServer((req, res) => this.onRequest(req, res));
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly idPrefix = randomBytes(4).toString('hex');
	private lastId = 0;
	private closing: Promise<void> | undefined;

	constructor(private readonly state: SimState) {
		// Idle keep-alive connections are left for the client to close, as a real API's front end
		// does (nginx keeps them 75 s). With Node's default 5 s the client retires them at 4 s,
		// and when the shared event loop is busy across both deadlines, the server's close runs
		// after the client has written a request on the idle connection: the request is reset
		// before it arrives (ECONNRESET): a lost request that no test asked for.
		this.server.keepAliveTimeout = IDLE_CONNECTION_MS;
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		});
	}

	async listen(port: number): Promise<Simulator> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const actualPort = (this.server.address() as AddressInfo).port;
		const state = this.state;
		return {
			url: `http://127.0.0.1:${actualPort}`,
			port: actualPort,
			stats: () => state.stats(),
			reset: () => state.reset(),
			configure: (partial) => state.configure(partial),
			setUsers: (users) => state.setUsers(users),
			addFault: (email, fault) => state.addFault(email, fault),
			close: () => this.close(),
		};
	}

	private close(): Promise<void> {
		this.closing ??= new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			for (const timer of this.timers) clearTimeout(timer);
			this.timers.clear();
			// Hanging requests and idle keep-alive sockets would otherwise keep close() waiting.
			for (const socket of this.sockets) socket.destroy();
		});
		return this.closing;
	}

	private onRequest(req: IncomingMessage, res: ServerResponse): void {
		const url = req.url ?? '/';
		const query = url.indexOf('?');
		const path = query === -1 ? url : url.slice(0, query);
		const requestId = `${this.idPrefix}-${(++this.lastId).toString(16).padStart(6, '0')}`;
		res.setHeader('x-request-id', requestId);
		if (path === RENEW_PATH && req.method === 'POST') this.renew(req, res, path, requestId);
		else readBody(req, (raw) => this.other(req, res, path, raw, requestId));
	}

	private renew(req: IncomingMessage, res: ServerResponse, path: string, requestId: string): void {
		const state = this.state;
		const at = Date.now();
		const admitted = state.arrive();
		let open = true;
		const leave = () => {
			if (open) {
				open = false;
				state.leave(admitted);
			}
		};
		res.once('close', leave);
		readBody(req, (raw) => {
			const body = parse(raw);
			const email = emailOf(body);
			const key = email === undefined || email.trim() === '' ? undefined : emailKey(email);
			const nth = key === undefined ? 0 : state.countEmail(key);
			const finish = (status: AnswerStatus) => {
				state.countAnswer(status, key);
				if (state.settings.logRequests) {
					state.addLog({
						method: 'POST',
						path,
						authorization: req.headers.authorization,
						body,
						status,
						at,
					});
				}
			};
			if (!admitted) {
				leave();
				finish(429);
				write(res, rateLimited(state.settings.rateLimitRetryAfter, requestId));
				return;
			}
			const random = state.settings.randomFaults;
			const fault =
				state.faults.take(key) ?? (random ? randomFault(random, key ?? '', nth) : undefined);
			if (fault?.hang) {
				finish('hang');
				return;
			}
			this.later(this.delay(fault?.delayMs), () => {
				if (!open) {
					finish('aborted');
					return;
				}
				leave();
				if (fault?.reset) {
					finish('reset');
					req.socket.resetAndDestroy();
					return;
				}
				const plain =
					fault?.status !== undefined
						? faultAnswer({ ...fault, status: fault.status }, requestId)
						: renewAnswer(state, req.headers.authorization, body, requestId);
				const answer = state.settings.echoKey
					? withEchoedKey(plain, req.headers.authorization)
					: plain;
				finish(answer.status);
				write(res, answer);
			});
		});
	}

	private other(
		req: IncomingMessage,
		res: ServerResponse,
		path: string,
		raw: string,
		requestId: string,
	): void {
		if (path.startsWith(CONTROL_PREFIX)) {
			write(res, controlAnswer(this.state, req.method, path, raw));
			return;
		}
		const method = req.method ?? 'GET';
		let answer: Answer;
		const fault = path === ME_PATH ? this.state.faults.take(ME_FAULT_KEY, true) : undefined;
		if (fault?.status !== undefined) {
			answer = faultAnswer({ ...fault, status: fault.status }, requestId);
		} else if (path === ME_PATH) {
			answer =
				method === 'GET'
					? meAnswer(this.state, req.headers.authorization, requestId)
					: methodNotAllowed(method, requestId);
		} else if (path === RENEW_PATH) {
			answer = methodNotAllowed(method, requestId);
		} else {
			answer = notFoundPage(this.state.settings.unknownRoute);
		}
		if (this.state.settings.logRequests) {
			const authorization = req.headers.authorization;
			this.state.addLog({
				method,
				path,
				authorization,
				body: parse(raw),
				status: answer.status,
				at: Date.now(),
			});
		}
		this.later(this.delay(), () => write(res, answer));
	}

	private delay(extraMs = 0): number {
		const { latencyMs, jitterMs } = this.state.settings;
		return latencyMs + (jitterMs > 0 ? Math.random() * jitterMs : 0) + extraMs;
	}

	/** Runs fn after ms; synchronously when ms is 0, which keeps the fast path free of timers. */
	private later(ms: number, fn: () => void): void {
		if (ms <= 0) {
			fn();
			return;
		}
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, ms);
		this.timers.add(timer);
	}
}

function readBody(req: IncomingMessage, done: (raw: string) => void): void {
	const chunks: Buffer[] = [];
	req.on('data', (chunk: Buffer) => chunks.push(chunk));
	req.on('end', () => done(chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
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

function write(res: ServerResponse, answer: Answer): void {
	if (res.destroyed || res.writableEnded) return;
	let text = '';
	let type = answer.contentType;
	if (typeof answer.body === 'string') {
		text = answer.body;
		type ??= 'text/plain; charset=utf-8';
	} else if (answer.body !== undefined) {
		text = JSON.stringify(answer.body);
		type ??= 'application/json';
	}
	const headers: OutgoingHttpHeaders = { 'content-length': Buffer.byteLength(text) };
	if (type !== undefined) headers['content-type'] = type;
	if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
	res.writeHead(answer.status, headers);
	res.end(text);
}
