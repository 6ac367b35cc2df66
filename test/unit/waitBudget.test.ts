import type { INode } from 'n8n-workflow';

import { buildItemError } from '../../nodes/GcoreIam/outcome/failure';

const node: INode = {
	id: '1',
	name: 'Gcore IAM',
	type: 'gcoreIam',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const context = {
	itemIndex: 2,
	email: 'a@example.com',
	attempts: 4,
	baseUrl: 'https://api.gcore.com',
	timeoutMs: 30_000,
	apiKey: 'secret-key',
};

describe('an item whose wait budget for rate limits is spent', () => {
	test('says how long it waited, what the API still asks, and what to do', () => {
		const error = buildItemError(
			node,
			{
				kind: 'retryAfterTooLong',
				statusCode: 429,
				waitSeconds: 5,
				waitedSeconds: 57,
				maxWaitSeconds: 60,
			},
			context,
		);
		expect(error.message).toBe(
			'a@example.com: the Gcore API kept rate limiting (429): this item waited 57 s and the API asks for 5 s more, beyond the 60 s this node waits for one item [item 2]',
		);
		expect(error.description).toMatch(
			/Try again later\. With many executions at once, let fewer run at the same time/,
		);
		expect(error.description).toMatch(/N8N_CONCURRENCY_PRODUCTION_LIMIT/);
	});
});
