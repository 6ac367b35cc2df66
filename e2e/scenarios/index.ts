/** Every scenario, in the order run.ts runs them on each n8n version. */
import { browserCheck } from './browserCheck';
import { crashBatch, crashSingles } from './crashRedelivery';
import { credentialTest } from './credentialTest';
import { errorOutput } from './errorOutput';
import { example } from './example';
import type { Scenario } from './scenario';
import { removeDuplicatesBeside } from './removeDuplicatesBeside';
import { retryExecution } from './retryExecution';
import { sameEvent, sameEventSkipOff } from './sameEventTwice';
import { stopMode } from './stopMode';
import { webhookBurst } from './webhookBurst';

export const SCENARIOS: Scenario[] = [example, errorOutput, stopMode, credentialTest, browserCheck, webhookBurst, sameEvent, sameEventSkipOff, retryExecution, removeDuplicatesBeside, crashBatch, crashSingles];
