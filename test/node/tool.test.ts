import { AGENT_NODE_NAME, GCORE_NODE_NAME } from '../../harness/engine';
import { useSimulator } from './fixture';

const { sim, run } = useSimulator({
	users: [
		{ email: 'invited@example.com', status: 'invited' },
		{ email: 'active@example.com', status: 'active' },
	],
});

describe('as an AI agent tool', () => {
	test('every outcome reaches the agent, which only reads the first output', async () => {
		const result = await run({
			items: [
				{ email: 'invited@example.com' },
				{ email: 'active@example.com' },
				{ email: 'ghost@example.com' },
			],
			asTool: true,
		});
		expect(result.error).toBeUndefined();
		const answers = result.outputs(AGENT_NODE_NAME)[0].map((item) => item.json.parsed);
		expect(answers).toEqual([
			[
				expect.objectContaining({
					invitation: expect.objectContaining({ email: 'invited@example.com', outcome: 'sent' }),
				}),
			],
			[
				expect.objectContaining({
					invitation: expect.objectContaining({
						email: 'active@example.com',
						outcome: 'alreadyActivated',
					}),
				}),
			],
			[
				expect.objectContaining({
					invitation: expect.objectContaining({ email: 'ghost@example.com', outcome: 'notFound' }),
				}),
			],
		]);
		expect(result.runs(GCORE_NODE_NAME)).toHaveLength(3);
		expect(sim().stats().requests).toBe(3);
	});
});
