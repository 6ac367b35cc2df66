/** The editor's credential "Test" (POST /rest/credentials/test, redacted data): OK, a wrong key fails clearly, the key never returned. */
import * as assert from 'node:assert/strict';

import { CREDENTIAL_TYPE } from '../../harness/ourPackage';
import { CREDENTIAL_ID } from '../../harness/workflows/workflowJson';
import type { Scenario } from '../scenario';

export const credentialTest: Scenario = {
	name: "credential test through n8n's /rest/credentials/test: OK, wrong key fails clearly",
	mode: 'single',
	order: 40,
	phase: 'server',
	async run({ rest, sim, apiKey }) {
		await sim.reset();
		const stored = await rest.credential(CREDENTIAL_ID);
		assert.equal(stored.type, CREDENTIAL_TYPE);
		assert.ok(!JSON.stringify(stored).includes(apiKey), 'the editor receives the stored API key');
		const test = (data: Record<string, unknown>) =>
			rest.testCredential({ id: CREDENTIAL_ID, name: stored.name, type: CREDENTIAL_TYPE, data });
		const good = await test(stored.data);
		assert.equal(good.status, 'OK', `stored credential: ${JSON.stringify(good)}`);
		const me = (await sim.stats()).log.filter((l) => l.path === '/iam/clients/me');
		assert.ok(me.length >= 1, 'the credential test did not call GET /iam/clients/me');
		assert.equal(me[0].method, 'GET');
		assert.equal(me[0].authorization, `apikey ${apiKey}`);
		const wrongKey = 'wrong-key-0000';
		const bad = await test({ ...stored.data, apiKey: wrongKey });
		assert.equal(bad.status, 'Error', `wrong key: ${JSON.stringify(bad)}`);
		assert.match(
			bad.message,
			/unauthori[sz]ed|401|api key|token|credential|rejected/i,
			`wrong key message: ${bad.message}`,
		);
		assert.ok(!bad.message.includes(wrongKey), 'the wrong key is echoed in the message');
		return `OK: "${good.message}"; wrong key: "${bad.message}"`;
	},
};
