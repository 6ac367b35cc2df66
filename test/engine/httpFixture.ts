/**
 * A throw-away HTTP server on 127.0.0.1 for the harness's own tests (the Gcore simulator
 * lives in simulator/; this only answers what a test's handler says and records requests).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export type Handler = (request: RecordedRequest, res: ServerResponse, req: IncomingMessage) => void;

export interface HttpFixture {
	baseUrl: string;
	requests: RecordedRequest[];
	setHandler(handler: Handler): void;
	close(): Promise<void>;
}

export async function startHttpFixture(handler?: Handler): Promise<HttpFixture> {
	let current: Handler =
		handler ??
		((_request, res) => {
			res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
		});
	const requests: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const request = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			requests.push(request);
			current(request, res, req);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		requests,
		setHandler(next) {
			current = next;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
