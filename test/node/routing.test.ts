import { AGENT_NODE_NAME, GCORE_NODE_NAME } from '../../harness/engine';
import { API_KEY, emails, invitation, pairing, useSimulator } from './fixture';

const { sim, run } = useSimulator({
	users: [
		{ email: 'new.one@example.com', status: 'invited' },
		{ email: 'new.two@example.com', status: 'invited' },
		{ email: 'Active.One@example.com', status: 'active' },
	],
});

describe('Resend Invitation routes each customer to one output', () => {
	test('invited → Success, activated → Already Activated, unknown → Not Found, in input order; each item is its input json plus `invitation`', async () => {
		const items = [
			{ email: 'new.one@example.com', crmId: 7, tags: ['a'] },
			{ email: 'ghost@example.com', crmId: 9 },
			{ email: 'active.one@example.com', crmId: 8 },
			{ email: 'new.two@example.com', crmId: 10 },
		];
		const { gcore, error } = await run({ items });

		expect(error).toBeUndefined();
		expect(emails(gcore.success)).toEqual(['new.one@example.com', 'new.two@example.com']);
		expect(pairing(gcore.success)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(emails(gcore.alreadyActivated)).toEqual(['active.one@example.com']);
		expect(pairing(gcore.alreadyActivated)).toEqual([{ item: 2 }]);
		expect(emails(gcore.notFound)).toEqual(['ghost@example.com']);
		expect(pairing(gcore.notFound)).toEqual([{ item: 1 }]);
		expect(gcore.success[0].json).toEqual({
			...items[0],
			invitation: {
				email: 'new.one@example.com',
				outcome: 'sent',
				statusCode: 200,
				attempts: 1,
				requestId: expect.any(String),
			},
		});
		expect(invitation(gcore.alreadyActivated[0])).toMatchObject({
			email: 'active.one@example.com',
			outcome: 'alreadyActivated',
			statusCode: 400,
			attempts: 1,
			message: 'This user already activated.',
		});
		expect(invitation(gcore.notFound[0])).toMatchObject({
			outcome: 'notFound',
			statusCode: 404,
			message: 'User with given email not found.',
			requestId: expect.any(String),
		});
	});

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

	test('the same address twice (any case) is sent once and routes both items', async () => {
		const { gcore } = await run({
			items: [
				{ email: 'new.one@example.com' },
				{ email: 'NEW.ONE@example.com ' },
				{ email: 'new.two@example.com' },
			],
		});
		expect(pairing(gcore.success)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim().stats().byEmail).toEqual({ 'new.one@example.com': 1, 'new.two@example.com': 1 });
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
