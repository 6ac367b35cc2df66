/**
 * Removes the API key from text that may be shown to the user. Gcore's 401 answer echoes the
 * token it received, sometimes only part of it, so any word of 6+ characters that is a piece
 * of the key is removed too.
 */
const REDACTED = '[redacted]';
const MIN_PIECE = 6;

export function redact(text: string, apiKey: string): string {
	const key = apiKey.trim();
	if (key.length === 0) return text;
	const whole = text.split(key).join(REDACTED);
	return whole.replace(/[^\s"'`,;:=()[\]{}<>]+/g, (word) =>
		word.length >= MIN_PIECE && key.includes(word) ? REDACTED : word,
	);
}
