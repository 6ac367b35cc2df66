import { MIN_API_KEY_LENGTH } from '../outcome/redact';
import { hasSpaceOrControlCharacter } from '../text/controlCharacters';
import { apiToken } from '../text/apiToken';

const EXAMPLE = 'for example https://api.gcore.com';

/**
 * What is wrong with the credential, in words that name the setting to fix; undefined when
 * nothing is. Sends nothing: such a mistake would fail every request of the run the same way.
 */
export function credentialProblem(baseUrl: string, apiKey: string): string | undefined {
	return baseUrlProblem(baseUrl) ?? apiKeyProblem(apiKey);
}

/** `baseUrl` as the node uses it: trimmed, trailing slashes removed. */
export function baseUrlProblem(baseUrl: string): string | undefined {
	if (/^[^/?#]*\/\/[^/?#]*@/.test(baseUrl)) {
		// Not echoed: it would show the password.
		return `The Base URL must not contain a user name or password: put only the address there (${EXAMPLE}) and the token in the API Key field`;
	}
	const shown = JSON.stringify(baseUrl.length > 80 ? `${baseUrl.slice(0, 80)}…` : baseUrl);
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(baseUrl)?.[1];
	if (scheme === undefined) return `The Base URL ${shown} must start with https:// (${EXAMPLE})`;
	if (!/^https?$/i.test(scheme)) {
		return `The Base URL ${shown} must start with https:// (${EXAMPLE}): "${scheme}://" is not supported`;
	}
	if (hasSpaceOrControlCharacter(baseUrl))
		return `The Base URL ${shown} must not contain spaces, tabs or line breaks (${EXAMPLE})`;
	if (/[?#]/.test(baseUrl)) {
		return `The Base URL ${shown} must not contain a query (?…) or a fragment (#…): use only the address (${EXAMPLE})`;
	}
	try {
		new URL(baseUrl);
	} catch {
		return `The Base URL ${shown} is not a valid URL: use the address of the Gcore API (${EXAMPLE})`;
	}
	return undefined;
}

export function apiKeyProblem(apiKey: string): string | undefined {
	const token = apiToken(apiKey);
	if (token === '')
		return 'The API Key in the Gcore IAM credential is empty: paste your permanent API token';
	if (hasSpaceOrControlCharacter(token)) {
		return 'The API Key in the Gcore IAM credential contains a space, tab, line break or other control character: paste the token again, on one line';
	}
	if (token.length < MIN_API_KEY_LENGTH) {
		return `The API Key in the Gcore IAM credential is too short to be a Gcore API token (${token.length} characters, a token has at least ${MIN_API_KEY_LENGTH}): paste the whole permanent token from the Gcore Customer Portal`;
	}
	return undefined;
}
