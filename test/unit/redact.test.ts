import { MIN_API_KEY_LENGTH, redact } from '../../nodes/GcoreIam/outcome/redact';
import { apiToken } from '../../nodes/GcoreIam/text/apiToken';

const key = '7711$sim-key_abc123456';
const message =
	'Item 1 (a@example.com): could not reach https://api.gcore.com (ECONNREFUSED, 4 attempts). Check the Base URL in the Gcore IAM credential and the network: key, token.';

describe('redact: a key long enough to be a Gcore token', () => {
	test('removes the whole key', () => {
		expect(redact(`Bad permanent token: ${key}.`, key)).toBe('Bad permanent token: [redacted].');
	});

	test('removes the key as sent when it was entered with its "apikey" prefix', () => {
		expect(redact(`Bad permanent token: ${key}`, `  APIKey ${key} `)).toBe(
			'Bad permanent token: [redacted]',
		);
		expect(redact(`header: APIKey ${key}`, `APIKey ${key}`)).toBe('header: [redacted]');
	});

	test('removes the key URL-encoded and JSON-escaped', () => {
		expect(redact(`token=${encodeURIComponent(key)}`, key)).toBe('token=[redacted]');
		const quoted = 'ab"c\\d$e_0123456789';
		expect(redact(`said ${JSON.stringify(quoted)}`, quoted)).toBe('said "[redacted]"');
	});

	test('removes a start or end of the key that the API echoed', () => {
		expect(redact('Bad permanent token: 7711$sim-key', key)).toBe(
			'Bad permanent token: [redacted]',
		);
		expect(redact('Bad permanent token: 7711$sim-key….', key)).toBe(
			'Bad permanent token: [redacted]….',
		);
		expect(redact('token=abc123456', key)).toBe('token=[redacted]');
	});

	test('keeps ordinary words and short pieces', () => {
		expect(redact('User with given email not found: sim', key)).toBe(
			'User with given email not found: sim',
		);
		expect(redact(message, key)).toBe(message);
	});

	test('keeps words that happen to be part of the key (letters only)', () => {
		const wordy = 'my-gcore-iam-credential-placeholder';
		expect(redact(message, wordy)).toBe(message);
		expect(redact(`Bad permanent token: ${wordy}`, wordy)).toBe('Bad permanent token: [redacted]');
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
