// C0 (U+0000–U+001F, NUL, tab, CR and LF included), DEL (U+007F) and C1 (U+0080–U+009F).
// Compared by code unit rather than with a regex range: n8n's strict lint (no-control-regex)
// refuses control characters in a regex literal. All of them are single UTF-16 code units.
const C0_END = 0x1f;
const DEL = 0x7f;
const C1_END = 0x9f;

/** Whether `text` holds a C0 or C1 control character or DEL. */
export function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code <= C0_END || (code >= DEL && code <= C1_END)) return true;
	}
	return false;
}

/** Whether `text` holds a control character or any white space (Unicode spaces included). */
export function hasSpaceOrControlCharacter(text: string): boolean {
	return /\s/.test(text) || hasControlCharacter(text);
}
