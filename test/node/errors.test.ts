import type { IDataObject } from 'n8n-workflow';

import type { Fault } from '../../simulator';
import type { NodeRun } from './fixture';
import { API_KEY, emails, invitation, pairing, useSimulator } from './fixture';

/** Everything a user could see of a run, as text: outputs, errors, run data. */
const everythingShown = (result: NodeRun) =>
	JSON.stringify({ data: result.run.data, error: result.error, message: result.error?.message });

// Every error answer echoes the token it was sent, so "the key never shows" is tested in
// every case, with the key the run actually used.
const { sim, run } = useSimulator({
	users: [
		{ email: 'invited@example.com', status: 'invited' },
		{ email: 'active@example.com', status: 'active' },
	],
	echoKey: true,
});

interface Case {
	name: string;
	/** The address of item 1, between an invited and an activated customer. */
	email: unknown;
	says: RegExp;
	/** Whether a request for item 1 reaches the API. */
	requested: boolean;
	/** Whether the other two items are still routed (an error every address shares stops them). */
	othersRouted: boolean;
	fault?: Fault;
	apiKey?: string;
	baseUrl?: (simUrl: string) => string;
}

// The API's answer about item 1 alone; an error every address shares (the key, the Base URL),
// met by item 1 between two others, sent or not; what a CRM field or a CSV import can hand the
// node, refused on its own before any request.
const kind =
	(requested: boolean, othersRouted: boolean) =>
	(name: string, email: unknown, says: RegExp, setup: Partial<Case> = {}): Case => ({
		name,
		email,
		says,
		requested,
		othersRouted,
		...setup,
	});
const answered = kind(true, true);
const shared = kind(true, false);
const sharedUnsent = kind(false, false);
const refused = kind(false, true);
const itemOne = (text: string) => new RegExp(`^${text} \\[item 1\\]$`);

const cases: Case[] = [
	answered(
		'a validation error (400)',
		'broken@example.com',
		/broken@example\.com: the Gcore API rejected the request \(400\): email: Enter a valid email address\. \[item 1\]/,
		{ fault: { status: 400, body: { errors: { email: ['Enter a valid email address.'] } } } },
	),
	answered(
		'a server error with request id (500, retries off)',
		'boom@example.com',
		/boom@example\.com: the Gcore API failed with status 500 after 1 attempt: Internal error.* \[item 1\]/,
		{ fault: { status: 500, body: { message: 'Internal error', request_id: 'req-500' } } },
	),
	answered(
		'a forbidden answer (403)',
		'other-client@example.com',
		/other-client@example\.com: the API key may not resend this invitation \(403\) \[item 1\]/,
		{
			fault: {
				status: 403,
				body: { detail: 'You do not have permission to perform this action.' },
			},
		},
	),
	shared(
		'a wrong API key (401)',
		'someone@example.com',
		/the Gcore API rejected the API key \(401\): check the Gcore IAM credential/,
		{ apiKey: 'wrong-key$1234567' },
	),
	shared(
		'a wrong Base URL (HTML 404)',
		'someone@example.com',
		/the endpoint was not found at http:\/\/127\.0\.0\.1:\d+\/not-the-api: check the Base URL/,
		{ baseUrl: (url) => `${url}/not-the-api` },
	),
	// The Base URL is quoted in the message: the key pasted into it must not show there.
	shared(
		'a wrong Base URL that carries the API key (HTML 404)',
		'someone@example.com',
		/the endpoint was not found at http:\/\/127\.0\.0\.1:\d+\/\[redacted\]: check the Base URL/,
		{ baseUrl: (url) => `${url}/${API_KEY}` },
	),
	sharedUnsent(
		'a Base URL without scheme',
		'someone@example.com',
		/was not sent: the Base URL "127\.0\.0\.1:\d+" must start with https:\/\/ \(for example https:\/\/api\.gcore\.com\)/,
		{ baseUrl: (url) => url.replace('http://', '') },
	),
	sharedUnsent(
		'a placeholder API key ("test")',
		'someone@example.com',
		/^\S+@example\.com was not sent: the API Key in the Gcore IAM credential is too short to be a Gcore API token \(4 characters, a token has at least 16\): paste the whole permanent token from the Gcore Customer Portal \[item \d\]$/,
		{ apiKey: 'test' },
	),
	refused(
		'an invalid address',
		'not-an-email',
		/"not-an-email" is not a valid email address \[item 1\]/,
	),
	refused(
		'an object',
		{ address: 'x@example.com' },
		itemOne('\\{"address":"x@example\\.com"\\} \\(an object\\) is not an email address'),
	),
	refused(
		'a list',
		['x@example.com'],
		itemOne('\\["x@example\\.com"\\] \\(a list\\) is not an email address'),
	),
	refused('a number', 42, itemOne('42 \\(a number\\) is not an email address')),
	refused('null', null, itemOne('The email address is empty')),
	refused('spaces only', '  ', itemOne('The email address is empty')),
	refused('a boolean', true, itemOne('true \\(a boolean\\) is not an email address')),
	refused(
		'a 10 KB string',
		`${'a'.repeat(10_240)}@example.com`,
		itemOne('"a{80}…" \\(10252 characters\\) is too long to be an email address'),
	),
	refused(
		'a NUL',
		'p2@example.com\u0000',
		/^"p2@example\.com\\u0000" contains a control character.* \[item 1\]$/,
	),
	refused(
		'a CRLF injection',
		'p2@example.com\r\nBcc: victim@example.com',
		/^"p2@example\.com\\r\\nBcc: victim@example\.com" contains a control character.* \[item 1\]$/,
	),
	refused(
		'a list of addresses',
		'a@example.com, b@example.com',
		/^"a@example\.com, b@example\.com" holds more than one address.* \[item 1\]$/,
	),
	refused('a list without spaces', 'a@example.com;b@example.com', /holds more than one address/),
];

const keyOf = (c: Case) => c.apiKey ?? API_KEY;

async function runCase(
	c: Case,
	onError?: 'continueRegularOutput' | 'continueErrorOutput',
): Promise<NodeRun> {
	if (c.fault && typeof c.email === 'string') sim().addFault(c.email, c.fault);
	return await run(
		{
			items: [
				{ email: 'invited@example.com', row: 0 },
				{ email: c.email as IDataObject, row: 1 },
				{ email: 'active@example.com', row: 2 },
			],
			parameters: { options: { maxRetries: 0 } },
			onError,
		},
		{ apiKey: c.apiKey, baseUrl: c.baseUrl?.(sim().url) },
	);
}

/** The key never shows: the key the run used, and the configured one. */
function expectNoKey(result: NodeRun, c: Case): void {
	const shown = everythingShown(result);
	// A placeholder such as "test" is refused before any request, so nothing can echo it; and
	// redacting it must not have mangled the words around it.
	if (keyOf(c).length >= 16) expect(shown).not.toContain(keyOf(c));
	else expect(shown).not.toContain('[redacted]');
	expect(shown).not.toContain(API_KEY);
}

const requestedFor = (email: unknown) =>
	sim()
		.stats()
		.log.filter((entry) => (entry.body as { email?: unknown })?.email === email).length;

describe.each(cases)('$name', (c) => {
	test('stops the workflow by default, naming the item', async () => {
		const result = await runCase(c);
		expect(result.error?.message).toMatch(c.says);
		// An error every address shares is reported for whichever item met it first.
		expect((result.error as { context?: { itemIndex?: number } }).context?.itemIndex).toEqual(
			c.othersRouted ? 1 : expect.any(Number),
		);
		expect(result.gcore.success).toEqual([]);
		expect(requestedFor(c.email)).toBe(c.requested ? 1 : 0);
		if (!c.requested) expect(sim().stats().requests).toBe(0);
		expectNoKey(result, c);
	});

	test('"Continue (using error output)" sends the item to the Error output with its fields', async () => {
		const result = await runCase(c, 'continueErrorOutput');
		const { gcore } = result;
		expect(result.error).toBeUndefined();
		const failedRows = gcore.error.map((item) => item.json.row);
		if (c.othersRouted) {
			expect(failedRows).toEqual([1]);
			expect(pairing(gcore.success)).toEqual([{ item: 0 }]);
			expect(pairing(gcore.alreadyActivated)).toEqual([{ item: 2 }]);
		} else {
			expect(failedRows).toEqual([0, 1, 2]);
		}
		// No failed item on Success, Already Activated or Not Found, whatever the n8n line.
		const routed = [...gcore.success, ...gcore.alreadyActivated, ...gcore.notFound];
		expect(
			routed.filter(
				(item) => item.json.error !== undefined || invitation(item).outcome === 'failed',
			),
		).toEqual([]);
		const failed = gcore.error.find((item) => item.json.row === 1)!;
		expect(failed.pairedItem).toEqual({ item: 1 });
		// The input item's fields, `error` (the message) and `message` (the failure's facts).
		expect(Object.keys(failed.json).sort()).toEqual(['email', 'error', 'message', 'row']);
		expect(failed.json).toMatchObject({
			row: 1,
			email: c.email,
			message: {
				outcome: 'failed',
				attempts: c.requested || !c.othersRouted ? expect.any(Number) : 0,
				description: expect.any(String),
			},
		});
		expect(failed.json.error).toMatch(c.says);
		expect(requestedFor(c.email)).toBe(c.requested ? 1 : 0);
		// Nothing but the other two items' requests (none when the error is shared).
		if (!c.requested) expect(sim().stats().requests).toBe(c.othersRouted ? 2 : 0);
		expectNoKey(result, c);
	});

	test('"Continue (regular output)" keeps the item on the first output, marked failed, in input order', async () => {
		const result = await runCase(c, 'continueRegularOutput');
		const { gcore } = result;
		expect(result.error).toBeUndefined();
		const first = gcore.success;
		expect(pairing(first)).toEqual(
			c.othersRouted ? [{ item: 0 }, { item: 1 }] : [{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		expect(invitation(first[1])).toMatchObject({ outcome: 'failed' });
		expect(first[1].json.error).toMatch(c.says);
		expect(emails(gcore.alreadyActivated)).toEqual(c.othersRouted ? ['active@example.com'] : []);
		expectNoKey(result, c);
	});
});
