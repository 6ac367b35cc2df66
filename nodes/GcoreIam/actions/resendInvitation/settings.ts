import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { normalizeBaseUrl, readCredential } from '../../transport/renewInvitation';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES, DEFAULT_SKIP_IF_INVITED_WITHIN_MINUTES, DEFAULT_TIMEOUT_MS } from './description';

export type ErrorMode = 'stop' | 'continueRegularOutput' | 'continueErrorOutput';

/** Everything that is the same for all items of one run, read once. */
export interface RunSettings {
	credential: ICredentialsDecrypted;
	baseUrl: string;
	apiKey: string;
	timeoutMs: number;
	concurrency: number;
	maxRetries: number;
	/** Minutes; 0 = off. */
	skipIfInvitedWithin: number;
	errorMode: ErrorMode;
	/** Run as an AI agent's tool: the agent only sees the first output. */
	asTool: boolean;
}

export async function readSettings(context: IExecuteFunctions): Promise<RunSettings> {
	const credential = await readCredential(context);
	const { apiKey, baseUrl } = credential.data ?? {};
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const node = context.getNode();
	return {
		credential,
		baseUrl: normalizeBaseUrl(baseUrl),
		apiKey: typeof apiKey === 'string' ? apiKey : '',
		timeoutMs: whole(options.timeout, DEFAULT_TIMEOUT_MS, 1),
		concurrency: whole(options.concurrency, DEFAULT_CONCURRENCY, 1),
		maxRetries: whole(options.maxRetries, DEFAULT_MAX_RETRIES, 0),
		skipIfInvitedWithin: Math.min(whole(options.skipIfInvitedWithin, DEFAULT_SKIP_IF_INVITED_WITHIN_MINUTES, 0), 1440),
		errorMode: !context.continueOnFail()
			? 'stop'
			: node.onError === 'continueErrorOutput'
				? 'continueErrorOutput'
				: 'continueRegularOutput',
		asTool: node.type.endsWith('Tool'),
	};
}

function whole(value: unknown, fallback: number, min: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(number) && value !== '' && value !== undefined ? Math.max(min, Math.floor(number)) : fallback;
}
