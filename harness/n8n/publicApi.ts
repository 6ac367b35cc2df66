/**
 * n8n's public API (/api/v1, header X-N8N-API-KEY) for reading executions. In queue mode the
 * editor's list (GET /rest/executions) pages by id but sorts by start time, so it skips executions
 * that two workers started out of order (e2e/QUEUE-MODE.md); the public API pages by id and lists
 * them all.
 */
import type { N8nInstance } from './instance';
import type { ExecutionSummary, N8nRest } from './rest';

export class N8nPublicApi {
	private constructor(
		private readonly n8n: N8nInstance,
		private readonly key: string,
	) {}

	/** A key made the way the editor's Settings → n8n API does (POST /rest/api-keys), allowed to list and read executions. */
	static async create(n8n: N8nInstance, rest: N8nRest): Promise<N8nPublicApi> {
		const made = await rest.call<{ rawApiKey: string }>('POST', '/api-keys', {
			label: 'gcore e2e',
			scopes: ['execution:list', 'execution:read'],
			expiresAt: null,
		});
		return new N8nPublicApi(n8n, made.rawApiKey);
	}

	/** Every execution of the workflow, oldest id last page: complete paging, 100 a page. */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const all: ExecutionSummary[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({
				workflowId,
				limit: '100',
				...(cursor ? { cursor } : {}),
			});
			const res = await fetch(`${this.n8n.baseUrl}/api/v1/executions?${query.toString()}`, {
				headers: { 'X-N8N-API-KEY': this.key },
			});
			if (!res.ok)
				throw new Error(
					`GET /api/v1/executions: ${res.status} ${(await res.text()).slice(0, 300)}`,
				);
			const page = (await res.json()) as {
				data: Array<ExecutionSummary & { id: string | number }>;
				nextCursor?: string | null;
			};
			all.push(...page.data.map((e) => ({ ...e, id: String(e.id) })));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}
}
