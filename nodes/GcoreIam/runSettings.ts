import type { ICredentialsDecrypted } from 'n8n-workflow';

export type ErrorMode = 'stop' | 'continueRegularOutput' | 'continueErrorOutput';

/** Everything that is the same for all items of one run, read once (actions/resendInvitation/settings.ts). */
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
