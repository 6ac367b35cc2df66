/**
 * tsx simulator/cli.ts [--port N] [--latency MS] [--jitter MS] [--max-in-flight N] [--api-key K]
 *   [--unknown-route html|text|json] [--echo-key] [--no-log]
 * The first stdout line is exactly "Gcore IAM simulator listening on http://127.0.0.1:PORT": others parse it.
 */
import { DEFAULT_API_KEY, SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL, startSimulator } from './index';
import type { SimulatorOptions } from './types';

const USAGE =
	'usage: tsx simulator/cli.ts [--port N] [--latency MS] [--jitter MS] [--max-in-flight N] [--api-key K] [--unknown-route html|text|json] [--echo-key] [--no-log]';

const NUMBER_FLAGS = {
	'--port': 'port',
	'--latency': 'latencyMs',
	'--jitter': 'jitterMs',
	'--max-in-flight': 'maxInFlight',
} as const;

function parseArgs(args: string[]): SimulatorOptions {
	const options: SimulatorOptions = {};
	for (let i = 0; i < args.length; i++) {
		const [flag, inline] = args[i].split(/=(.*)/s, 2);
		const value = () => {
			const v = inline ?? args[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		if (flag === '--no-log') options.logRequests = false;
		else if (flag === '--echo-key') options.echoKey = true;
		else if (flag === '--api-key') options.apiKey = value();
		else if (flag === '--unknown-route')
			options.unknownRoute = value() as SimulatorOptions['unknownRoute'];
		else if (flag in NUMBER_FLAGS) {
			const n = Number(value());
			if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
			options[NUMBER_FLAGS[flag as keyof typeof NUMBER_FLAGS]] = n;
		} else throw new Error(`unknown argument ${args[i]}`);
	}
	return options;
}

async function main(): Promise<void> {
	if (process.argv.includes('--help') || process.argv.includes('-h')) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	let options: SimulatorOptions;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
		process.exit(2);
	}
	const sim = await startSimulator(options);
	const key = options.apiKey ?? DEFAULT_API_KEY;
	const customers = SAMPLE_CUSTOMERS.map((u) => `${u.email} (${u.status})`).join(', ');
	process.stdout.write(
		`Gcore IAM simulator listening on ${sim.url}\n` +
			`Customers: ${customers}; not in the list: ${SAMPLE_UNKNOWN_EMAIL}\n` +
			`API key: ${key} (header "Authorization: apikey ${key}"); control API under ${sim.url}/__sim/\n`,
	);
	const stop = () => {
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
