/** Every scenario, in the order run.ts runs them on each n8n version. */
import { browserCheck } from './browserCheck';
import { credentialTest } from './credentialTest';
import { errorOutput } from './errorOutput';
import { example } from './example';
import type { Scenario } from './scenario';
import { stopMode } from './stopMode';

export const SCENARIOS: Scenario[] = [example, errorOutput, stopMode, credentialTest, browserCheck];
