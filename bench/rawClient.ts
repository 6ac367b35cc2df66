/**
 * The baseline: what a plain script would do without n8n. `concurrency` workers take the next
 * address and POST it, over a keep-alive agent (one pooled connection per worker, like any
 * sane HTTP client), no retries. Two flavours: axios (what n8n uses underneath) and node:http.
 * A third, axios with a new connection per request, is the same script under n8n's request
 * helper's rule (a new agent per request: docs/keep-alive.md).
 */
import http from 'node:http';

import axios from 'axios';

export interface RawTarget {
	url: string;
	apiKey: string;
	emails: string[];
	concurrency: number;
}

export interface RawResult {
	ms: number;
	statusCounts: Record<string, number>;
}

type Post = (email: string) => Promise<number>;

const RENEW_PATH = '/iam/auth/renew_invitation';

async function pool(target: RawTarget, post: Post): Promise<RawResult> {
	const statusCounts: Record<string, number> = {};
	let next = 0;
	const worker = async () => {
		while (next < target.emails.length) {
			const status = await post(target.emails[next++]);
			statusCounts[status] = (statusCounts[status] ?? 0) + 1;
		}
	};
	const started = performance.now();
	await Promise.all(
		Array.from({ length: Math.min(target.concurrency, target.emails.length) }, worker),
	);
	return { ms: performance.now() - started, statusCounts };
}

function keepAliveAgent(concurrency: number): http.Agent {
	return new http.Agent({ keepAlive: true, maxSockets: concurrency });
}

export async function runAxiosClient(target: RawTarget): Promise<RawResult> {
	const agent = keepAliveAgent(target.concurrency);
	const client = axios.create({
		baseURL: target.url,
		httpAgent: agent,
		timeout: 30_000,
		headers: { Authorization: `apikey ${target.apiKey}`, Accept: 'application/json' },
		validateStatus: () => true,
	});
	try {
		return await pool(target, async (email) => (await client.post(RENEW_PATH, { email })).status);
	} finally {
		agent.destroy();
	}
}

export async function runAxiosNewConnections(target: RawTarget): Promise<RawResult> {
	const client = axios.create({
		baseURL: target.url,
		timeout: 30_000,
		headers: { Authorization: `apikey ${target.apiKey}`, Accept: 'application/json' },
		validateStatus: () => true,
	});
	const post: Post = async (email) => {
		const agent = new http.Agent({ keepAlive: false });
		try {
			return (await client.post(RENEW_PATH, { email }, { httpAgent: agent })).status;
		} finally {
			agent.destroy();
		}
	};
	return await pool(target, post);
}

export async function runNodeHttpClient(target: RawTarget): Promise<RawResult> {
	const agent = keepAliveAgent(target.concurrency);
	const { hostname, port } = new URL(target.url);
	const post: Post = (email) =>
		new Promise((resolve, reject) => {
			const body = JSON.stringify({ email });
			const request = http.request(
				{
					agent,
					hostname,
					port,
					path: RENEW_PATH,
					method: 'POST',
					timeout: 30_000,
					headers: {
						Authorization: `apikey ${target.apiKey}`,
						Accept: 'application/json',
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength(body),
					},
				},
				(response) => {
					response.resume();
					response.once('end', () => resolve(response.statusCode ?? 0));
					response.once('error', reject);
				},
			);
			request.once('timeout', () => request.destroy(new Error('timeout')));
			request.once('error', reject);
			request.end(body);
		});
	try {
		return await pool(target, post);
	} finally {
		agent.destroy();
	}
}
