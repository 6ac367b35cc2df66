/**
 * Scenario 2: the same burst against an API that answers in 300 ms and admits 5 requests at once
 * (429 + Retry-After: 1 beyond). Each worker's node learns the limit on its own (its rate-limit
 * knowledge is per process); the node's retries must absorb the 429s: 0 failed, 0 double sends.
 */
import { runBurst } from '../burst';
import type { QueueScenario } from './scenario';

export const rateLimitedBurst: QueueScenario = {
	name: '300 webhook executions, API at 300 ms admitting 5 (429 + Retry-After: 1): 0 failed, 0 double sends',
	label: '2. rate-limited burst',
	run: (ctx) => runBurst(ctx, '2. rate-limited burst', { posts: 300, domain: 'limited.example.com', simulator: { latencyMs: 300, maxInFlight: 5, rateLimitRetryAfter: 1 } }),
};
