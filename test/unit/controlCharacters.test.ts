import {
	hasControlCharacter,
	hasSpaceOrControlCharacter,
} from '../../nodes/GcoreIam/text/controlCharacters';

// What the node refused before the check moved from a regex range to code points.
const CONTROL_RANGE = new RegExp('[\\u0000-\\u001f\\u007f-\\u009f]');
const SPACE_OR_CONTROL_RANGE = new RegExp('[\\s\\u0000-\\u001f\\u007f-\\u009f]');

describe('control characters by code point', () => {
	test('every code point from U+0000 to U+FFFF, alone and inside an address, is judged as the regex range judged it', () => {
		const differ: string[] = [];
		for (let code = 0; code <= 0xffff; code++) {
			const char = String.fromCharCode(code);
			for (const text of [char, `a${char}@example.com`]) {
				if (hasControlCharacter(text) !== CONTROL_RANGE.test(text))
					differ.push(`control U+${code.toString(16)}`);
				if (hasSpaceOrControlCharacter(text) !== SPACE_OR_CONTROL_RANGE.test(text))
					differ.push(`space U+${code.toString(16)}`);
			}
		}
		expect(differ).toEqual([]);
	});

	test.each([
		['NUL', 'a@example.com\u0000', true],
		['CRLF', 'a@example.com\r\nBcc: b@example.com', true],
		['tab', 'a\t@example.com', true],
		['DEL', 'a\u007f@example.com', true],
		['C1 U+0085', 'a\u0085@example.com', true],
		['U+00A0 (no-break space: a space, not a control character)', 'a\u00a0@example.com', false],
		['an emoji (two code units)', 'a😀@example.com', false],
		['a plain address', 'a@example.com', false],
	])('%s', (_name, text, control) => {
		expect(hasControlCharacter(text)).toBe(control);
	});
});
