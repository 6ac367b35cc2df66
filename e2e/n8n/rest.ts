/**
 * n8n's internal REST API as the editor uses it: a session cookie from POST /rest/login, then
 * credentials, executions. (The webhook and execution-retry scenarios of later issues add their
 * calls here.)
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
	stoppedAt?: string;
}

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

	constructor(private readonly n8n: N8nInstance) {}

	/** Logs in as the editor does; later calls carry the session cookie. */
	async login(owner: Owner): Promise<void> {
		const res = await fetch(`${this.n8n.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!res.ok) throw new RestError(res.status, `login as ${owner.email} failed: ${res.status} ${await res.text()}`);
		this.cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		if (!this.cookie.includes('n8n-auth=')) throw new Error('login answered without an n8n-auth cookie');
	}

	/** One call; returns the `data` of n8n's `{ data }` envelope. */
	async call<T>(method: string, pathname: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.n8n.baseUrl}/rest${pathname}`, {
			method,
			headers: { cookie: this.cookie, 'content-type': 'application/json', 'browser-id': 'gcore-e2e' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new RestError(res.status, `${method} /rest${pathname}: ${res.status} ${text.slice(0, 500)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** A stored credential as the editor receives it (secrets redacted). */
	credential(id: string): Promise<{ id: string; name: string; type: string; data: Record<string, unknown> }> {
		return this.call('GET', `/credentials/${id}?includeData=true`);
	}

	/** The editor's "Test" button: n8n runs the credential type's test request. */
	testCredential(credentials: { id: string; name: string; type: string; data: Record<string, unknown> }): Promise<{ status: string; message: string }> {
		return this.call('POST', '/credentials/test', { credentials });
	}

	/** The newest executions first, as the editor's execution list shows them. */
	async executions(filter: { workflowId?: string; status?: string } = {}, limit = 100): Promise<ExecutionSummary[]> {
		const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: String(limit) });
		const page = await this.call<{ results: ExecutionSummary[] }>('GET', `/executions?${query.toString()}`);
		return page.results;
	}

	/** One execution with its run data (n8n sends it serialised with `flatted`; parsed with n8n's own copy). */
	async execution(id: string): Promise<ExecutionSummary & { run: N8nRun }> {
		const raw = await this.call<ExecutionSummary & { data: string }>('GET', `/executions/${id}`);
		const flatted = createRequire(this.n8n.real.n8nBin)('flatted') as { parse(text: string): N8nRun['data'] };
		const { data, ...summary } = raw;
		return { ...summary, run: { status: summary.status, finished: summary.finished, data: flatted.parse(data) } };
	}
}
