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

	test('fails with a wrong key, without showing it', async () => {
		const result = await testCredential('gcoreIamApi', {
			apiKey: 'wrong-key$abcdefgh',
			baseUrl: `${sim().url}/`,
		});
		expect(result.status).toBe('Error');
		// n8n-core 1.122 throws the test request's error without its HTTP cause, so n8n 1.123 shows
		// its stock text instead of the credential's rule.
		expect(result.message).toMatch(
			engineDiffers.credentialTestRules
				? /^Gcore rejected the API key\. Create a permanent API token/
				: /^Authorization failed - please check your credentials$/,
		);
		expect(JSON.stringify(result)).not.toContain('wrong-key$abcdefgh');
	});

	test('fails with a clear message when the Base URL is not the API', async () => {
		const result = await testCredential('gcoreIamApi', {
			apiKey: API_KEY,
			baseUrl: `${sim().url}/somewhere-else`,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			engineDiffers.credentialTestRules
				? /^No Gcore API answered at this Base URL/
				: /^The resource you are requesting could not be found$/,
		);
	});
});
