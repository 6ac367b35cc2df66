import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { ApiAnswer } from '../outcome/classify';

export const CREDENTIAL_TYPE = 'gcoreIamApi';
export const DEFAULT_BASE_URL = 'https://api.gcore.com';

export interface RequestSettings {
	baseUrl: string;
	timeoutMs: number;
}

interface FullResponse {
	statusCode: number;
	body: unknown;
	headers: Record<string, unknown>;
}

/**
 * The node's one authenticated request: POST {baseUrl}/iam/auth/renew_invitation.
 * Every status comes back as an answer; only a failure to get any answer throws.
 */
export async function renewInvitation(
	context: IExecuteFunctions,
	settings: RequestSettings,
	email: string,
): Promise<ApiAnswer> {
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${settings.baseUrl}/iam/auth/renew_invitation`,
		headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		body: { email },
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
	)) as FullResponse;
	return {
		statusCode: response.statusCode,
		body: bodyText(response.body),
		contentType: header(response.headers, 'content-type'),
		requestIdHeader: header(response.headers, 'x-request-id'),
		retryAfter: header(response.headers, 'retry-after'),
	};
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
