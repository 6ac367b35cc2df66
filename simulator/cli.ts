/** `npm run simulator`. Its first stdout line is exactly "Gcore IAM simulator listening on http://127.0.0.1:PORT": others parse it. */
import { parseArgs } from 'node:util';

import { DEFAULT_API_KEY, SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL, startSimulator } from './index';

async function main(): Promise<void> {
	const text = { type: 'string' } as const;
	const options = { port: text, latency: text, 'max-in-flight': text, 'api-key': text };
	const { values } = parseArgs({ options: { ...options, 'no-log': { type: 'boolean' } } });
	const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
	const key = values['api-key'] ?? DEFAULT_API_KEY;
	const sim = await startSimulator({
		port: number(values.port),
		latencyMs: number(values.latency),
		maxInFlight: number(values['max-in-flight']),
		apiKey: key,
		logRequests: !values['no-log'],
	});
	const customers = SAMPLE_CUSTOMERS.map((u) => `${u.email} (${u.status})`).join(', ');
	process.stdout.write(
		`Gcore IAM simulator listening on ${sim.url}\n` +
			`Customers: ${customers}; not in the list: ${SAMPLE_UNKNOWN_EMAIL}\n` +
			`API key: ${key} (header "Authorization: apikey ${key}"); control API under ${sim.url}/__sim/\n`,
	);
	const stop = () => void sim.close().then(() => process.exit(0));
	process.on('SIGINT', stop); // on, not once: a process group's stop may signal twice (tsx relays it)
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
