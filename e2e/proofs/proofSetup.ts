/** What a proof gets from the test running it (single-process e2e or queue mode). */
import type { ExecutionSummary, N8nRest } from '../../harness/n8n/rest';
import type { SimulatorProcess } from '../../harness/simulatorProcess';

export interface ProofSetup {
	sim: SimulatorProcess;
	rest: N8nRest;
	/** The workflow's production webhook URL. */
	url: string;
	/** How many executions the workflow had before. */
	before: number;
	/** Waits until at least `count` executions of the workflow are final; returns all of them, oldest first. */
	waitForExecutions(count: number, timeoutMs: number): Promise<ExecutionSummary[]>;
}
