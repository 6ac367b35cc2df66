/**
 * n8n's internal REST API as the editor uses it: a session cookie from POST /rest/login, then
 * credentials, executions, the executions list's "Retry"; and n8n's public API (/api/v1) with a
 * key made through REST, to list every execution of a workflow.
 */
import { createRequire } from 'node:module';

import type { N8nInstance } from './instance';
import type { Owner } from './owner';
import type { N8nRun } from './runData';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished?: boolean;
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

export class N8nRest {
	private cookie = '';
	private publicApiKey = '';

	constructor(private readonly n8n: N8nInstance) {}

	/** Logs in as the editor does; later calls carry the session cookie. */
	async login(owner: Owner): Promise<void> {
		const res = await fetch(`${this.n8n.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!res.ok)
			throw new RestError(
				res.status,
				`login as ${owner.email} failed: ${res.status} ${await res.text()}`,
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
		const res = await fetch(`${this.n8n.baseUrl}/rest${pathname}`, {
			method,
			headers: {
				cookie: this.cookie,
				'content-type': 'application/json',
				'browser-id': 'gcore-e2e',
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok)
			throw new RestError(
				res.status,
				`${method} /rest${pathname}: ${res.status} ${text.slice(0, 500)}`,
			);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** A stored credential as the editor receives it (secrets redacted). */
	credential(
		id: string,
	): Promise<{ id: string; name: string; type: string; data: Record<string, unknown> }> {
		return this.call('GET', `/credentials/${id}?includeData=true`);
	}

	/** The editor's "Test" button: n8n runs the credential type's test request. */
	testCredential(credentials: {
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: string; message: string }> {
		return this.call('POST', '/credentials/test', { credentials });
	}

	/** The newest executions first, as the editor's execution list shows them. */
	async executions(
		filter: { workflowId?: string; status?: string } = {},
		limit = 100,
	): Promise<ExecutionSummary[]> {
		const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: String(limit) });
		const page = await this.call<{ results: ExecutionSummary[] }>(
			'GET',
			`/executions?${query.toString()}`,
		);
		return page.results;
	}

	/** One execution with its run data (n8n sends it serialised with `flatted`; parsed with n8n's own copy). */
	async execution(id: string): Promise<ExecutionSummary & { run: N8nRun }> {
		const raw = await this.call<ExecutionSummary & { data: string }>('GET', `/executions/${id}`);
		const flatted = createRequire(this.n8n.real.n8nBin)('flatted') as {
			parse(text: string): N8nRun['data'];
		};
		const { data, ...summary } = raw;
		return {
			...summary,
			run: { status: summary.status, finished: summary.finished, data: flatted.parse(data) },
		};
	}

	/** The editor's "Publish" (1.x: the Active toggle): the stored version goes live, its webhooks registered. */
	async activateWorkflow(id: string): Promise<void> {
		const { versionId } = await this.call<{ versionId: string }>('GET', `/workflows/${id}`);
		await this.call('POST', `/workflows/${id}/activate`, { versionId });
	}

	/** The executions list's "Retry" (from the failed node, with the stored workflow). n8n 2.x answers the new execution, 1.x whether it succeeded. */
	retryExecution(id: string): Promise<unknown> {
		return this.call('POST', `/executions/${id}/retry`, { loadWorkflow: false });
	}

	/**
	 * Every execution of a workflow, oldest first, through the public API (GET /api/v1/executions,
	 * paged by id). Not GET /rest/executions: on n8n 2.41.1 its paging can skip rows (ordered by
	 * start time, continued below the last row's id; see e2e/QUEUE-MODE.md on the queue branch).
	 */
	async allExecutions(workflowId: string): Promise<ExecutionSummary[]> {
		this.publicApiKey ||= (
			await this.call<{ rawApiKey: string }>('POST', '/api-keys', {
				label: 'gcore e2e',
				scopes: ['execution:list', 'execution:read'],
				expiresAt: null,
			})
		).rawApiKey;
		const all: ExecutionSummary[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({
				workflowId,
				limit: '100',
				...(cursor ? { cursor } : {}),
			});
			const res = await fetch(`${this.n8n.baseUrl}/api/v1/executions?${query.toString()}`, {
				headers: { 'X-N8N-API-KEY': this.publicApiKey },
			});
			const text = await res.text();
			if (!res.ok)
				throw new RestError(
					res.status,
					`GET /api/v1/executions: ${res.status} ${text.slice(0, 500)}`,
				);
			const page = JSON.parse(text) as {
				data: Array<ExecutionSummary & { id: string | number; retryOf?: string | number | null }>;
				nextCursor?: string | null;
			};
			all.push(
				...page.data.map((e) => ({
					...e,
					id: String(e.id),
					retryOf: e.retryOf == null ? null : String(e.retryOf),
				})),
			);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all.sort((a, b) => Number(a.id) - Number(b.id));
	}

	/**
	 * Polls allExecutions until `count` of them (at least) are in a final status. A 5xx answer is
	 * polled through: n8n 2.41.1 answers 500 while its SQLite connection times out under a heavy
	 * execution (measured: 10,000 items through HTTP Request at once), and recovers.
	 */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs: number,
	): Promise<ExecutionSummary[]> {
		const t0 = Date.now();
		for (;;) {
			const all = await this.allExecutions(workflowId).catch((e: unknown) => {
				if (e instanceof RestError && e.status >= 500 && Date.now() - t0 < timeoutMs)
					return undefined;
				throw e;
			});
			const done = all?.filter((e) => FINAL_STATUSES.includes(e.status)) ?? [];
			if (all && done.length >= count) return all;
			if (all && Date.now() - t0 > timeoutMs) {
				throw new Error(
					`after ${timeoutMs / 1000} s, ${done.length} of ${count} executions of ${workflowId} finished (${all.length} listed: ${JSON.stringify(countBy(all.map((e) => e.status)))})`,
				);
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
}

function countBy(values: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const v of values) out[v] = (out[v] ?? 0) + 1;
	return out;
}
