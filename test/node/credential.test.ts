import { testCredential } from '../engine';
import { API_KEY, useSimulator } from './fixture';

const { sim } = useSimulator();

describe('the credential test (GET /iam/clients/me)', () => {
	test('succeeds with the right key', async () => {
		const result = await testCredential('gcoreIamApi', { apiKey: API_KEY, baseUrl: sim().url });
		expect(result.status).toBe('OK');
		expect(sim().stats().log.at(-1)).toMatchObject({ method: 'GET', path: '/iam/clients/me', authorization: `apikey ${API_KEY}` });
	});

	test('fails with a wrong key, without showing it', async () => {
		const result = await testCredential('gcoreIamApi', { apiKey: 'wrong-key$abcdefgh', baseUrl: `${sim().url}/` });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Gcore rejected the API key\. Create a permanent API token/);
		expect(JSON.stringify(result)).not.toContain('wrong-key$abcdefgh');
	});

	test('fails with a clear message when the Base URL is not the API', async () => {
		const result = await testCredential('gcoreIamApi', { apiKey: API_KEY, baseUrl: `${sim().url}/somewhere-else` });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^No Gcore API answered at this Base URL/);
	});
});
