import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { normalizeBaseUrl, readCredential } from '../../transport/renewInvitation';
import type { RunSettings } from '../../runSettings';
import {
	DEFAULT_CONCURRENCY,
	DEFAULT_MAX_RETRIES,
	DEFAULT_SKIP_IF_INVITED_WITHIN_MINUTES,
	DEFAULT_TIMEOUT_MS,
} from './description';

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
		skipIfInvitedWithin: Math.min(
			whole(options.skipIfInvitedWithin, DEFAULT_SKIP_IF_INVITED_WITHIN_MINUTES, 0),
			1440,
		),
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
	return Number.isFinite(number) && value !== '' && value !== undefined
		? Math.max(min, Math.floor(number))
		: fallback;
}
