/**
 * What names one account (Base URL and API key) in this process's shared rate-limit state:
 * a SHA-256 of both, so the key itself is never kept there. WebCrypto is a global of Node 20
 * and later (n8n's scanner does not restrict it; `node:crypto` cannot be imported).
 */
export async function accountKey(baseUrl: string, apiKey: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${baseUrl}\n${apiKey}`));
	return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
