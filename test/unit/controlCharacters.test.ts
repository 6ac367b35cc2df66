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

	test('an emoji (two code units) is not a control character', () => {
		expect(hasControlCharacter('a😀@example.com')).toBe(false);
	});
});
