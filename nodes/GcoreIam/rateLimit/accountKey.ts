import { createHash } from 'node:crypto';

/**
 * What names one account (Base URL and API key) in this process's shared rate-limit state:
 * a SHA-256 of both, so the key itself is never kept there.
 */
export function accountKey(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
}
