import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from './fixture';

const { sim, run } = useSimulator({
	users: [
		{ email: 'first@example.com', status: 'invited' },
		{ email: 'last@example.com', status: 'invited' },
	],
});

// What a CRM field or a CSV import can hand the node, each between two valid addresses.
const hostile: Array<[string, unknown, RegExp]> = [
	[
		'an object',
		{ address: 'x@example.com' },
		/^\{"address":"x@example\.com"\} \(an object\) is not an email address \[item 1\]$/,
	],
	[
		'a list',
		['x@example.com'],
		/^\["x@example\.com"\] \(a list\) is not an email address \[item 1\]$/,
	],
	['a number', 42, /^42 \(a number\) is not an email address \[item 1\]$/],
	['null', null, /^The email address is empty \[item 1\]$/],
	['a boolean', true, /^true \(a boolean\) is not an email address \[item 1\]$/],
	[
		'a 10 KB string',
		`${'a'.repeat(10_240)}@example.com`,
		/^"a{80}…" \(10252 characters\) is too long to be an email address \[item 1\]$/,
	],
	[
		'a NUL',
		'p2@example.com\u0000',
		/^"p2@example\.com\\u0000" contains a control character.* \[item 1\]$/,
	],
	[
		'a CRLF injection',
		'p2@example.com\r\nBcc: victim@example.com',
		/^"p2@example\.com\\r\\nBcc: victim@example\.com" contains a control character.* \[item 1\]$/,
	],
	['a tab inside', 'p2@exam\tple.com', /contains a control character/],
	['a C1 control character', 'p2@example.com\u0085', /contains a control character/],
	['DEL', 'p2@exa\u007fmple.com', /contains a control character/],
	[
		'a list of addresses',
		'a@example.com, b@example.com',
		/^"a@example\.com, b@example\.com" holds more than one address.* \[item 1\]$/,
	],
	['a list without spaces', 'a@example.com;b@example.com', /holds more than one address/],
];

const itemsWith = (value: unknown): IDataObject[] => [
	{ email: 'first@example.com' },
	{ email: value as IDataObject },
	{ email: 'last@example.com' },
];
const sentBodies = () =>
	sim()
		.stats()
		.log.map((entry) => entry.body as IDataObject);

describe.each(hostile)('%s in the Email field', (_name, value, says) => {
	test('is refused on its own; the valid addresses next to it still go out', async () => {
		const { gcore, error } = await run({ items: itemsWith(value), onError: 'continueErrorOutput' });
		expect(error).toBeUndefined();
		expect(gcore.success.map((item) => item.json.email)).toEqual([
			'first@example.com',
			'last@example.com',
		]);
		expect(gcore.error).toHaveLength(1);
		expect(gcore.error[0].pairedItem).toEqual({ item: 1 });
		expect(gcore.error[0].json.error).toMatch(says);
		expect(sentBodies()).toEqual(
			expect.arrayContaining([{ email: 'first@example.com' }, { email: 'last@example.com' }]),
		);
		expect(sentBodies()).toHaveLength(2);
	});

	test('stops the workflow before any request by default', async () => {
		const { error } = await run({ items: itemsWith(value) });
		expect(error?.message).toMatch(says);
		expect(sim().stats().log).toEqual([]);
	});
});

test('spaces and a line break around an address are trimmed, not refused', async () => {
	const { gcore } = await run({ items: [{ email: ' first@example.com\r\n' }] });
	expect(gcore.success).toHaveLength(1);
	expect(sentBodies()).toEqual([{ email: 'first@example.com' }]);
});
