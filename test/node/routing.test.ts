import { AGENT_NODE_NAME, GCORE_NODE_NAME } from '../../harness/engine';
import { API_KEY, invitation, useSimulator } from './fixture';

const { sim, run } = useSimulator({
	users: [
		{ email: 'new.one@example.com', status: 'invited' },
		{ email: 'new.two@example.com', status: 'invited' },
		{ email: 'Active.One@example.com', status: 'active' },
	],
});

describe('Resend Invitation', () => {
	test('sends POST /iam/auth/renew_invitation with the apikey header (a key pasted with its "APIKey " prefix not doubled) and the trimmed address; a trailing / in the Base URL is fine', async () => {
		const { gcore } = await run(
			{ items: [{ email: '  new.one@example.com \n' }] },
			{ apiKey: ` APIKey ${API_KEY} `, baseUrl: `${sim().url}/` },
		);
		expect(gcore.success).toHaveLength(1);
		expect(sim().stats().log).toMatchObject([
			{
				method: 'POST',
				path: '/iam/auth/renew_invitation',
				authorization: `apikey ${API_KEY}`,
				body: { email: 'new.one@example.com' },
			},
		]);
	});

	test('the Email field may be any expression', async () => {
		const { gcore } = await run({
			items: [{ contact: { mail: 'new.two@example.com' } }],
			parameters: { email: '={{ $json.contact.mail }}' },
		});
		expect(invitation(gcore.success[0]).email).toBe('new.two@example.com');
	});

	test('no items in, nothing sent', async () => {
		const { gcore, error } = await run({ items: [] });
		expect(error).toBeUndefined();
		expect([...gcore.success, ...gcore.alreadyActivated, ...gcore.notFound]).toEqual([]);
		expect(sim().stats().requests).toBe(0);
	});

	test('as an AI agent tool, every outcome reaches the agent, which only reads the first output', async () => {
		const addresses = ['new.one@example.com', 'active.one@example.com', 'ghost@example.com'];
		const result = await run({ items: addresses.map((email) => ({ email })), asTool: true });
		expect(result.error).toBeUndefined();
		const answers = result.outputs(AGENT_NODE_NAME)[0].map((item) => item.json.parsed);
		expect(answers).toEqual(
			['sent', 'alreadyActivated', 'notFound'].map((outcome, i) => [
				expect.objectContaining({
					invitation: expect.objectContaining({ email: addresses[i], outcome }),
				}),
			]),
		);
		expect(result.runs(GCORE_NODE_NAME)).toHaveLength(3);
		expect(sim().stats().requests).toBe(3);
	});
});
