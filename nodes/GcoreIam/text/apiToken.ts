/** The token as the credential sends it: trimmed, a pasted "apikey " prefix dropped, nothing else changed (it may hold $ or _). */
export function apiToken(apiKey: string): string {
	return apiKey.trim().replace(/^apikey\s+/i, '');
}
