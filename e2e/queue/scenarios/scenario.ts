/** What a queue-mode scenario gets: the running cluster, the simulator, the work folder. One file per scenario, listed in index.ts. */
import type { SimulatorProcess } from '../../../harness/simulatorProcess';
import type { WorkflowJson } from '../../../harness/workflows/workflowJson';
import type { QueueCluster } from '../../../harness/queue/cluster';

export interface QueueContext {
	cluster: QueueCluster;
	sim: SimulatorProcess;
	work: string;
}

export interface QueueScenario {
	/** The check line: what is shown to work. */
	name: string;
	/** Short label for the measured table. */
	label: string;
	/** Workflows of its own, imported and published with the shared ones before main starts. */
	workflows?(): WorkflowJson[];
	/** A note for the check line; throws (assert) on failure. */
	run(ctx: QueueContext): Promise<string>;
}
