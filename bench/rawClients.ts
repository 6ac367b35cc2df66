// What a plain script does without n8n, the throughput goal's yardstick: `inFlight` workers POST the
// next address each over a keep-alive agent, no retries; with axios (n8n's own client) or node:http.
import http from 'node:http';

import axios from 'axios';

import { DEFAULT_API_KEY, RENEW_PATH } from '../simulator';

const HEADERS = { Authorization: `apikey ${DEFAULT_API_KEY}`, Accept: 'application/json' };

export type RawClient = (url: string, agent: http.Agent) => (email: string) => Promise<number>;

export const axiosClient: RawClient = (url, agent) => {
	const client = axios.create({ baseURL: url, httpAgent: agent, headers: HEADERS });
	return async (email) =>
		(await client.post(RENEW_PATH, { email }, { validateStatus: () => true })).status;
};

export const nodeHttpClient: RawClient = (url, agent) => (email) =>
	new Promise((resolve, reject) => {
		const body = JSON.stringify({ email });
		const headers = {
			...HEADERS,
			'Content-Type': 'application/json',
			'Content-Length': body.length,
		};
		http
			.request(`${url}${RENEW_PATH}`, { agent, method: 'POST', headers }, (response) =>
				response.resume().once('end', () => resolve(response.statusCode ?? 0)),
			)
			.once('error', reject)
			.end(body);
	});

export async function runRaw(client: RawClient, url: string, emails: string[], inFlight: number) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
	const post = client(url, agent);
	const statuses: Record<string, number> = {};
	let next = 0;
	const worker = async () => {
		while (next < emails.length) {
			const status = await post(emails[next++]);
			statuses[status] = (statuses[status] ?? 0) + 1;
		}
	};
	const started = performance.now();
	await Promise.all(Array.from({ length: inFlight }, worker));
	agent.destroy();
	return { ms: performance.now() - started, statuses };
}
