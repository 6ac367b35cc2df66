import { engineDiffers, testCredential } from '../../harness/engine';
import { API_KEY, useSimulator } from './fixture';

const { sim } = useSimulator();

describe('the credential test (GET /iam/clients/me)', () => {
	test('succeeds with the right key', async () => {
		const result = await testCredential('gcoreIamApi', { apiKey: API_KEY, baseUrl: sim().url });
		expect(result.status).toBe('OK');
		expect(sim().stats().log.at(-1)).toMatchObject({
			method: 'GET',
			path: '/iam/clients/me',
			authorization: `apikey ${API_KEY}`,
		});
	});

	// n8n-core 1.122 throws the test request's error without its HTTP cause, so n8n 1.123 shows
	// its stock text instead of the credential's rule.
	test.each([
		[
			'a wrong key, without showing it',
			'wrong-key$abcdefgh',
			'/',
			/^Gcore rejected the API key\. Create a permanent API token/,
			/^Authorization failed - please check your credentials$/,
		],
		[
			'a Base URL that is not the API, saying so',
			API_KEY,
			'/somewhere-else',
			/^No Gcore API answered at this Base URL/,
			/^The resource you are requesting could not be found$/,
		],
	])('fails with %s', async (_name, apiKey, path, says, stockText) => {
		const result = await testCredential('gcoreIamApi', { apiKey, baseUrl: `${sim().url}${path}` });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(engineDiffers.credentialTestRules ? says : stockText);
		if (apiKey !== API_KEY) expect(JSON.stringify(result)).not.toContain(apiKey);
	});
});
