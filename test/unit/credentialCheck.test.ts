import {
	apiKeyProblem,
	baseUrlProblem,
	credentialProblem,
} from '../../nodes/GcoreIam/transport/credentialCheck';

describe('baseUrlProblem: the Base URL is checked before any request', () => {
	test.each([
		['a host and port without scheme', 'localhost:8080', /must start with https:\/\//],
		[
			'an unsupported scheme',
			'htps://api.gcore.com',
			/^The Base URL "htps:\/\/api\.gcore\.com" must start with https:\/\/ .*"htps:\/\/" is not supported$/,
		],
		['ftp', 'ftp://api.gcore.com', /"ftp:\/\/" is not supported/],
		[
			'a query',
			'https://api.gcore.com?x=1',
			/must not contain a query \(\?…\) or a fragment \(#…\)/,
		],
		['an empty query', 'https://api.gcore.com/?', /must not contain a query/],
		['a fragment', 'https://api.gcore.com#top', /must not contain a query \(\?…\) or a fragment/],
		['a space', 'https://api gcore.com', /must not contain spaces, tabs or line breaks/],
		['a line break', 'https://api.gcore.com\n/x', /must not contain spaces, tabs or line breaks/],
		['an invalid host', 'https://[::1', /is not a valid URL/],
		['a port out of range', 'https://api.gcore.com:99999', /is not a valid URL/],
		['no host', 'https://', /is not a valid URL/],
	])('%s is refused in words', (_name, value, says) => {
		expect(baseUrlProblem(value)).toMatch(says);
	});

	test('a user name and password are refused without showing them', () => {
		const problem = baseUrlProblem('https://me:s3cret@api.gcore.com');
		expect(problem).toMatch(/must not contain a user name or password/);
		expect(problem).not.toContain('s3cret');
	});

	// What it accepts: test/node/editor.test.ts, against the credential form's notice.
	test('a long Base URL is shortened in the message', () => {
		expect(baseUrlProblem(`api.gcore.com/${'x'.repeat(500)}`)!.length).toBeLessThan(250);
	});
});

describe('apiKeyProblem: keys that cannot be a Gcore token', () => {
	test.each([
		['empty', '', /is empty/],
		['only the prefix', 'apikey ', /too short/],
		['one letter', 'k', /too short .*\(1 characters/],
		[
			'a line break inside',
			'4242$abcdef\n0123456789',
			/contains a space, tab, line break or other control character/,
		],
		['a NUL', '4242$abcdef0123456789\u0000', /control character/],
		['two words', 'Bearer 4242$abcdef0123456789', /contains a space/],
	])('%s is refused', (_name, key, says) => {
		expect(apiKeyProblem(key)).toMatch(says);
	});

	test.each(['4242$sim-key_abc123', ' APIKey 29841_c767abcdef012345 ', 'abcdefghijklmnop'])(
		'%s is accepted',
		(key) => {
			expect(apiKeyProblem(key)).toBeUndefined();
		},
	);

	test('no message shows the key', () => {
		for (const key of ['test', 'abc\ndef-0123456789'])
			expect(apiKeyProblem(key)).not.toContain(key);
	});
});

test('credentialProblem reports the Base URL first', () => {
	expect(credentialProblem('api.gcore.com', 'k')).toMatch(/Base URL/);
	expect(credentialProblem('https://api.gcore.com', 'k')).toMatch(/API Key/);
	expect(credentialProblem('https://api.gcore.com', '4242$sim-key_abc123')).toBeUndefined();
});
