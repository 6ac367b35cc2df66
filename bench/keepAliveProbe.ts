/**
 * Does any option of n8n's request helper keep a TCP connection alive from one request to the
 * next? (docs/keep-alive.md) `npx tsx bench/keepAliveProbe.ts` sends 20 requests in sequence to
 * a local server through the function `httpRequestWithAuthentication` ends in, on n8n-core
 * 2.41.1 (`@n8n/backend-network`'s httpRequest) and 1.122 (its own httpRequest), with and
 * without the options a node could pass, and counts the server's TCP connections.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

type Request = (options: Record<string, unknown>) => Promise<unknown>;

// Files the packages' `exports` do not list: loaded by path.
const load = createRequire(__filename);
const file = (pkg: string, inside: string) => {
	const main = load.resolve(pkg);
	const root = `${path.sep}node_modules${path.sep}${pkg}${path.sep}`;
	return path.join(main.slice(0, main.lastIndexOf(root) + root.length), inside);
};
const v2 = (
	load(file('@n8n/backend-network', 'dist/http/axios/request.js')) as { httpRequest: Request }
).httpRequest;
const v1 = (
	load(
		file(
			'n8n-core-1.122',
			'dist/execution-engine/node-execution-context/utils/request-helper-functions.js',
		),
	) as { httpRequest: Request }
).httpRequest;

const CASES: Array<[string, Request, Record<string, unknown>]> = [
	['n8n-core 2.41.1, no options', v2, {}],
	['n8n-core 2.41.1, agentOptions { keepAlive: true }', v2, { agentOptions: { keepAlive: true } }],
	['n8n-core 2.41.1, header Connection: keep-alive', v2, { headers: { Connection: 'keep-alive' } }],
	['n8n-core 1.122.48, no options', v1, {}],
	[
		'n8n-core 1.122.48, agentOptions { keepAlive: true }',
		v1,
		{ agentOptions: { keepAlive: true } },
	],
];
const REQUESTS = 20;

async function main(): Promise<void> {
	let connections = 0;
	const server = http.createServer((request, response) => {
		request.resume();
		request.on('end', () => response.end('{}'));
	});
	server.on('connection', () => connections++);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/iam/auth/renew_invitation`;
	for (const [name, request, extra] of CASES) {
		connections = 0;
		for (let i = 0; i < REQUESTS; i++) {
			await request({
				method: 'POST',
				url,
				body: { email: 'a@example.com' },
				json: true,
				returnFullResponse: true,
				...extra,
			});
		}
		const open = await new Promise<number>((resolve) =>
			server.getConnections((_, count) => resolve(count)),
		);
		process.stdout.write(
			`${name}: ${REQUESTS} requests in sequence, ${connections} TCP connections, ${open} still open after the last answer\n`,
		);
		server.closeAllConnections();
	}
	server.close();
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
