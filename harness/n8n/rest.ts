/** n8n's REST API as the editor uses it (session cookie), and its public API for complete execution lists. */
import { createRequire } from 'node:module';

import { pollUntil } from '../poll';
import type { N8nInstance } from './instance';
import type { Owner } from './owner';
import type { N8nRun } from './runData';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	startedAt?: string;
	stoppedAt?: string | null;
	retryOf?: string | null;
}

/** Statuses after which an execution changes no more. */
export const FINAL_STATUSES = ['success', 'error', 'crashed', 'canceled'];

export class RestError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

async function fetchOk(url: string, init: RequestInit, what: string) {
	const res = await fetch(url, init);
	const text = await res.text();
	if (!res.ok) throw new RestError(res.status, `${what}: ${res.status} ${text.slice(0, 500)}`);
	return { res, text };
}

/**
 * Reads `list` every second until `until` gives a value. A 5xx answer is read through: n8n 2.41.1
 * answers 500 while its SQLite connection times out under a heavy execution, and recovers.
 */
export async function pollExecutions<T>(
	list: () => Promise<ExecutionSummary[]>,
	timeoutMs: number,
	until: (all: ExecutionSummary[]) => T | undefined,
	timedOut: (last: ExecutionSummary[]) => string,
): Promise<T> {
	let last: ExecutionSummary[] = [];
	const read = async () => {
		const all = await list().catch((e: unknown) => {
			if (e instanceof RestError && e.status >= 500) return undefined;
			throw e;
		});
		last = all ?? last;
		return all && until(all);
	};
	return pollUntil(read, timeoutMs, () => `after ${timeoutMs / 1000} s, ${timedOut(last)}`, 1000);
}

type StoredCredential = { id: string; name: string; type: string; data: Record<string, unknown> };

export class N8nRest {
	private cookie = '';
	private publicApiKey = '';

	constructor(private readonly n8n: N8nInstance) {}

	async login(owner: Owner): Promise<void> {
		const body = JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password });
		const { res } = await fetchOk(
			`${this.n8n.baseUrl}/rest/login`,
			{ method: 'POST', headers: { 'content-type': 'application/json' }, body },
			`login as ${owner.email} failed`,
		);
		this.cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		if (!this.cookie.includes('n8n-auth='))
			throw new Error('login answered without an n8n-auth cookie');
	}

	/** One call; returns the `data` of n8n's `{ data }` envelope. */
	async call<T>(method: string, pathname: string, body?: unknown): Promise<T> {
		const headers = {
			cookie: this.cookie,
			'content-type': 'application/json',
			'browser-id': 'gcore-e2e',
		};
		const { text } = await fetchOk(
			`${this.n8n.baseUrl}/rest${pathname}`,
			{ method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
			`${method} /rest${pathname}`,
		);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** As the editor receives it (secrets redacted). */
	credential(id: string): Promise<StoredCredential> {
		return this.call('GET', `/credentials/${id}?includeData=true`);
	}

	/** The editor's "Test" button. */
	testCredential(credentials: StoredCredential): Promise<{ status: string; message: string }> {
		return this.call('POST', '/credentials/test', { credentials });
	}

	/** The newest first, as the editor's execution list shows them. */
	async executions(filter: { workflowId: string }): Promise<ExecutionSummary[]> {
		const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: '100' });
		type Page = { results: ExecutionSummary[] };
		return (await this.call<Page>('GET', `/executions?${query.toString()}`)).results;
	}

	/** With its run data (sent serialised with `flatted`, parsed with n8n's own copy). */
	async execution(id: string): Promise<ExecutionSummary & { run: N8nRun }> {
		const raw = await this.call<ExecutionSummary & { data: string }>('GET', `/executions/${id}`);
		const flatted = createRequire(this.n8n.real.n8nBin)('flatted') as {
			parse(text: string): N8nRun['data'];
		};
		const { data, ...summary } = raw;
		return { ...summary, run: { data: flatted.parse(data) } };
	}

	/** The editor's "Publish" (1.x: the Active toggle). */
	async activateWorkflow(id: string): Promise<void> {
		const { versionId } = await this.call<{ versionId: string }>('GET', `/workflows/${id}`);
		await this.call('POST', `/workflows/${id}/activate`, { versionId });
	}

	/** The executions list's "Retry" (with the stored workflow): 2.x answers the new execution, 1.x whether it succeeded. */
	retryExecution(id: string): Promise<unknown> {
		return this.call('POST', `/executions/${id}/retry`, { loadWorkflow: false });
	}

	/** Oldest first, through the public API: n8n 2.41.1's GET /rest/executions paging can skip rows. */
	async allExecutions(workflowId: string): Promise<ExecutionSummary[]> {
		this.publicApiKey ||= (
			await this.call<{ rawApiKey: string }>('POST', '/api-keys', {
				label: 'gcore e2e',
				scopes: ['execution:list', 'execution:read'],
				expiresAt: null,
			})
		).rawApiKey;
		const all: ExecutionSummary[] = [];
		for (let cursor = ''; ; ) {
			const query = new URLSearchParams({ workflowId, limit: '100', ...(cursor && { cursor }) });
			const { text } = await fetchOk(
				`${this.n8n.baseUrl}/api/v1/executions?${query.toString()}`,
				{ headers: { 'X-N8N-API-KEY': this.publicApiKey } },
				'GET /api/v1/executions',
			);
			const page = JSON.parse(text) as { data: ExecutionSummary[]; nextCursor?: string | null };
			all.push(
				...page.data.map((e) => ({
					...e,
					id: String(e.id),
					retryOf: e.retryOf == null ? null : String(e.retryOf),
				})),
			);
			cursor = page.nextCursor ?? '';
			if (!cursor) return all.sort((a, b) => Number(a.id) - Number(b.id));
		}
	}

	/** Waits until at least `count` executions of the workflow are final; returns all of them. */
	waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs: number,
	): Promise<ExecutionSummary[]> {
		const final = (all: ExecutionSummary[]) => all.filter((e) => FINAL_STATUSES.includes(e.status));
		return pollExecutions(
			() => this.allExecutions(workflowId),
			timeoutMs,
			(all) => (final(all).length >= count ? all : undefined),
			(last) =>
				`${final(last).length} of ${count} executions of ${workflowId} finished (${last.length} listed: ${JSON.stringify(countBy(last.map((e) => e.status)))})`,
		);
	}
}

export function countBy(values: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const v of values) out[v] = (out[v] ?? 0) + 1;
	return out;
}
