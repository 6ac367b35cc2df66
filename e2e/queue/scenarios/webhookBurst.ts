/** Scenario 1: 300 webhook calls (repeated, already active and unknown customers among them) through main and two workers. */
import { runBurst } from '../burst';
import type { QueueScenario } from './scenario';

export const webhookBurst: QueueScenario = {
	name: '300 webhook executions on two workers: all success, both workers used, each customer on its branch, each address once per execution',
	label: '1. burst',
	run: (ctx) => runBurst(ctx, '1. burst', { posts: 300, domain: 'burst.example.com', simulator: { latencyMs: 20 } }),
};
