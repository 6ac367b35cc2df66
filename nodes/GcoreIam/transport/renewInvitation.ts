import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { ApiAnswer } from '../outcome/classify';

export const CREDENTIAL_TYPE = 'gcoreIamApi';
export const DEFAULT_BASE_URL = 'https://api.gcore.com';
export const RENEW_INVITATION_PATH = '/iam/auth/renew_invitation';
/** The account of the API key: the call Gcore's docs use to check a token. */
export const ACCOUNT_PATH = '/iam/clients/me';

export interface RequestSettings {
	baseUrl: string;
	timeoutMs: number;
	/** The node's credential, read once per run. */
	credential: ICredentialsDecrypted;
}

export interface ApiCall {
	method: 'GET' | 'POST';
	path: string;
	body?: IDataObject;
}

export interface FullResponse {
	statusCode: number;
	body: unknown;
	headers: Record<string, unknown>;
}

/** One authenticated request to the Gcore API. */
export type ApiRequest = (call: ApiCall) => Promise<ApiAnswer>;

/**
 * The node's one authenticated request (renew_invitation, and the account check that
 * confirms an unclear 404). What is the same for every call is prepared once per run, the
 * decrypted credential included: without it n8n's helper loads and decrypts the credential
 * again for every request (in n8n, a database read and a decryption each time).
 * Every status comes back as an answer; only a failure to get any answer throws.
 */
export function prepareApiRequest(
	context: IExecuteFunctions,
	settings: RequestSettings,
): ApiRequest {
	const credentialOptions = { credentialsDecrypted: settings.credential };
	return async ({ method, path, body }) => {
		const options: IHttpRequestOptions = {
			method,
			url: `${settings.baseUrl}${path}`,
			headers: body
				? { Accept: 'application/json', 'Content-Type': 'application/json' }
				: { Accept: 'application/json' },
			body,
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: settings.timeoutMs,
		};
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			options,
			credentialOptions,
		)) as FullResponse;
		return toApiAnswer(response);
	};
}

/** A full response of one of n8n's request helpers, as the outcome code reads it. */
export function toApiAnswer(response: FullResponse): ApiAnswer {
	return {
		statusCode: response.statusCode,
		body: bodyText(response.body),
		contentType: header(response.headers, 'content-type'),
		requestIdHeader: header(response.headers, 'x-request-id'),
		retryAfter: header(response.headers, 'retry-after'),
	};
}

/** The node's credential as n8n's helper takes it ready-made, so it is not loaded per request. */
export async function readCredential(context: IExecuteFunctions): Promise<ICredentialsDecrypted> {
	const data = await context.getCredentials(CREDENTIAL_TYPE);
	const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
	return { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data };
}

export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	return (text === '' ? DEFAULT_BASE_URL : text).replace(/\/+$/, '');
}

function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return JSON.stringify(body);
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers?.[name];
	return typeof value === 'string' && value !== '' ? value : undefined;
}
