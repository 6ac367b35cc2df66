/** The queue-mode scenarios in the order run.ts runs them (the worker kill last: it leaves one worker). */
import { batchOnWorker } from './batchOnWorker';
import { rateLimitedBurst } from './rateLimitedBurst';
import { retryOnOtherWorker } from './retryOnOtherWorker';
import { sameEventOnOtherWorker } from './sameEventOnOtherWorker';
import type { QueueScenario } from './scenario';
import { webhookBurst } from './webhookBurst';
import { workerKill } from './workerKill';

export const QUEUE_SCENARIOS: QueueScenario[] = [webhookBurst, rateLimitedBurst, batchOnWorker, retryOnOtherWorker, sameEventOnOtherWorker, workerKill];
