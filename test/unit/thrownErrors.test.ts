import { AccountGate } from '../../nodes/GcoreIam/rateLimit/accountGate';
import { RateGate } from '../../nodes/GcoreIam/rateLimit/rateGate';
import { sendWithRetries } from '../../nodes/GcoreIam/transport/retry';

/** A send that throws `error` every time, counting its calls. */
function throwing(error: unknown) {
	const calls = { count: 0 };
	const send = async () => {
		calls.count++;
		throw error;
	};
	return { calls, send };
}

// Shaped like what n8n's request helper throws: a wrapper whose cause carries the code.
const wrapped = (cause: object) =>
	Object.assign(new Error('The connection to the server was closed unexpectedly'), { cause });

describe('what the retry loop does with a thrown error', () => {
	test.each([
		['a refused connection', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' }],
		['an unknown host', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nowhere.example' }],
		['a reset', { code: 'ECONNRESET', message: 'socket hang up' }],
	])('%s is a network failure: retried, then reported with its code', async (_name, cause) => {
		const { calls, send } = throwing(wrapped(cause));
		const attempted = await sendWithRetries(send, new RateGate(1, new AccountGate()), 1);
		expect(attempted).toMatchObject({ kind: 'connectionFailure', code: cause.code, attempts: 2 });
		expect(calls.count).toBe(2);
	});

	test.each([
		[
			'an invalid URL',
			Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' }),
			'Invalid URL',
		],
		[
			'an unsupported protocol',
			wrapped({ code: 'ERR_BAD_REQUEST', message: 'Unsupported protocol htps:' }),
			'Unsupported protocol htps:',
		],
		[
			'a bad header',
			wrapped({
				code: 'ERR_INVALID_CHAR',
				message: 'Invalid character in header content ["Authorization"]',
			}),
			'Invalid character in header content ["Authorization"]',
		],
		[
			'an untrusted certificate',
			wrapped({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }),
			'certificate has expired',
		],
		[
			'a programming error',
			new TypeError("Cannot read properties of undefined (reading 'body')"),
			"Cannot read properties of undefined (reading 'body')",
		],
	])('%s is not: it fails at once with its own message', async (_name, error, message) => {
		const { calls, send } = throwing(error);
		const attempted = await sendWithRetries(send, new RateGate(1, new AccountGate()), 3);
		expect(attempted).toEqual({ kind: 'requestError', message, attempts: 1 });
		expect(calls.count).toBe(1);
	});
});
