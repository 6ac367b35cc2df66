import { apiToken } from '../text/apiToken';

/**
 * Removes the API key from text that may be shown to the user, without touching the rest.
 *
 * The rule:
 * - Every exact occurrence of the key is replaced: as entered, as sent (without a pasted
 *   "apikey " prefix), URL-encoded and JSON-escaped.
 * - Gcore's 401 answer may echo the token it received, or only the start of it. So a run of
 *   8 or more token characters that is part of the key and holds a digit or a sign
 *   (`7711$eyJ0eXAi`) is replaced too. A run of letters only is a word, not a piece of a
 *   token, and stays: a key that contains "credential" does not eat that word from a message.
 * - A key shorter than MIN_API_KEY_LENGTH cannot be a Gcore token; the node refuses it before
 *   any request, so no answer can echo it. In text the node writes itself, such a key is
 *   replaced only where it stands alone: "k" never turns "Check" into "Chec[redacted]".
 */
export const REDACTED = '[redacted]';
/** Gcore tokens are `<id>$<secret>` or `<id>_<secret>`, far longer than this. */
export const MIN_API_KEY_LENGTH = 16;
const MIN_PIECE = 8;
const TOKEN_RUN = /[^\s"'`,;:=()[\]{}<>]+/g;
const PUNCTUATION_AROUND = /^[.!?…]+|[.!?…]+$/g;

export function redact(text: string, apiKey: string): string {
	return redactor(apiKey)(text);
}

/** `redact` for one key, its forms worked out once: for a run that redacts every answer. */
export function redactor(apiKey: string): (text: string) => string {
	const token = apiToken(apiKey);
	if (token === '') return (text) => text;
	const forms = [
		...new Set([
			apiKey.trim(),
			token,
			encodeURIComponent(token),
			JSON.stringify(token).slice(1, -1),
		]),
	].sort((a, b) => b.length - a.length);
	if (token.length < MIN_API_KEY_LENGTH)
		return (text) => forms.reduce((shown, form) => standalone(shown, form), text);
	return (text) => {
		if (text === '') return text;
		const whole = forms.reduce(
			(shown, form) => (shown.includes(form) ? shown.split(form).join(REDACTED) : shown),
			text,
		);
		return whole.replace(TOKEN_RUN, (run) => {
			const piece = run.replace(PUNCTUATION_AROUND, '');
			if (piece.length < MIN_PIECE || !/[^\p{L}]/u.test(piece) || !token.includes(piece))
				return run;
			return run.replace(piece, REDACTED);
		});
	};
}

/** Replaces `form` only where no letter, digit or token sign touches it on either side. */
function standalone(text: string, form: string): string {
	const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return text.replace(
		new RegExp(`(?<![\\p{L}\\p{N}$_-])${escaped}(?![\\p{L}\\p{N}$_-])`, 'gu'),
		REDACTED,
	);
}
