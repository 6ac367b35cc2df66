import { MIN_API_KEY_LENGTH, redact } from '../../nodes/GcoreIam/outcome/redact';
import { apiToken } from '../../nodes/GcoreIam/text/apiToken';

const key = '7711$sim-key_abc123456';
const message =
	'Item 1 (a@example.com): could not reach https://api.gcore.com (ECONNREFUSED, 4 attempts). Check the Base URL in the Gcore IAM credential and the network: key, token.';
const quoted = 'ab"c\\d$e_0123456789';
const wordy = 'my-gcore-iam-credential-placeholder';

describe('redact: a key long enough to be a Gcore token', () => {
	test.each([
		['the whole key', `Bad permanent token: ${key}.`, key, 'Bad permanent token: [redacted].'],
		[
			'entered with its prefix',
			`Bad permanent token: ${key}`,
			`  APIKey ${key} `,
			'Bad permanent token: [redacted]',
		],
		['as sent, with its prefix', `header: APIKey ${key}`, `APIKey ${key}`, 'header: [redacted]'],
		['URL-encoded', `token=${encodeURIComponent(key)}`, key, 'token=[redacted]'],
		['JSON-escaped', `said ${JSON.stringify(quoted)}`, quoted, 'said "[redacted]"'],
		[
			'a start the API echoed',
			'Bad permanent token: 7711$sim-key',
			key,
			'Bad permanent token: [redacted]',
		],
		[
			'a shortened start',
			'Bad permanent token: 7711$sim-key….',
			key,
			'Bad permanent token: [redacted]….',
		],
		['an end', 'token=abc123456', key, 'token=[redacted]'],
		['a key of words', `Bad permanent token: ${wordy}`, wordy, 'Bad permanent token: [redacted]'],
	])('removes %s', (_name, text, apiKey, expected) => {
		expect(redact(text, apiKey)).toBe(expected);
	});

	test.each([
		['short pieces', 'User with given email not found: sim', key],
		['ordinary words', message, key],
		['words that happen to be part of the key (letters only)', message, wordy],
	])('keeps %s', (_name, text, apiKey) => {
		expect(redact(text, apiKey)).toBe(text);
	});

	test.each([
		['regular-expression signs', '1$a.b*c+d?e^f(g)h[i]j{k}l|m\\n'],
		['a long JWT-like token', `7711$${'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9'.repeat(4)}`],
		['underscores and dashes', '29841_c767-aa_bb-cc_dd-ee'],
	])('a key with %s is removed whole and leaves the text alone', (_name, special) => {
		expect(redact(`x ${special} y`, special)).toBe('x [redacted] y');
		expect(redact(message, special)).toBe(message);
	});
});

describe('redact: a key too short to be a Gcore token (the node refuses it before any request)', () => {
	test.each(['k', 'test', 'xxx', 'changeme', 'your-api-key'])(
		'"%s" does not mangle the text',
		(short) => {
			expect(short.length).toBeLessThan(MIN_API_KEY_LENGTH);
			expect(redact(message, short)).toBe(message);
		},
	);

	test('is still removed where it stands alone', () => {
		expect(redact('Bad permanent token: test', 'test')).toBe('Bad permanent token: [redacted]');
		expect(redact('token "k" rejected', 'k')).toBe('token "[redacted]" rejected');
	});
});

test('an empty key changes nothing', () => {
	expect(redact('anything', '')).toBe('anything');
	expect(redact('anything', '   ')).toBe('anything');
});

test('apiToken: the token as the credential sends it', () => {
	expect(apiToken('  apikey 12$ab ')).toBe('12$ab');
	expect(apiToken('APIKey   12$ab')).toBe('12$ab');
	expect(apiToken('12$apikey')).toBe('12$apikey');
});
