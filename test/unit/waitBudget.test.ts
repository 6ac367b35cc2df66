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

/** The error of an item the API still asks to wait `waitSeconds` after it waited `waitedSeconds`. */
const rateLimitError = (waitedSeconds: number, waitSeconds: number) =>
	buildItemError(
		node,
		{ kind: 'retryAfterTooLong', statusCode: 429, waitSeconds, waitedSeconds, maxWaitSeconds: 60 },
		context,
	);

describe('an item whose wait budget for rate limits is spent', () => {
	test('says how long it waited, what the API still asks, and what to do', () => {
		const error = rateLimitError(57, 5);
		expect(error.message).toBe(
			'a@example.com: the Gcore API kept rate limiting (429): this item waited 57 s and the API asks for 5 s more, beyond the 60 s this node waits for one item [item 2]',
		);
		expect(error.description).toMatch(
			/Try again later\. With many executions at once, let fewer run at the same time/,
		);
		expect(error.description).toMatch(/N8N_CONCURRENCY_PRODUCTION_LIMIT/);
	});

	test('a single Retry-After beyond the budget keeps its own wording', () => {
		expect(rateLimitError(0, 120).message).toBe(
			'a@example.com: the Gcore API is rate limiting and asks to wait 120 s, longer than this node waits (60 s) [item 2]',
		);
	});
});
