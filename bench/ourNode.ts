/**
 * Our node, run through n8n-core's real WorkflowExecute by the in-process engine harness:
 * Customers → Gcore IAM → Success / Already Activated / Not Found (+ Error), with
 * "Continue (using error output)" so that failed items are counted instead of stopping the run.
 */
import type { IDataObject } from 'n8n-workflow';

import { gcoreWorkflow, runWorkflow } from '../harness/engine';
import { GCORE_NODE_NAME } from '../harness/names';
import { DEFAULT_API_KEY } from '../simulator';

export interface OurRun {
	/** runWorkflow from start to end: source, our node, the three noOps, n8n's bookkeeping. */
	workflowMs: number;
	/** The node's executionTime as n8n records it in the run data (what the editor shows). */
	nodeMs: number;
	/** Items on Success, Already Activated, Not Found, Error. */
	routed: number[];
	workflowError?: string;
	/** CPU (user + system) of this process during the run, ms. */
	cpuMs: number;
}

/** `hold.run` keeps the engine's result (all items of all nodes, as n8n keeps them) when given. */
export async function runOurNode(
	url: string,
	items: IDataObject[],
	options: IDataObject,
	hold?: { run?: unknown },
): Promise<OurRun> {
	const workflow = gcoreWorkflow({
		items,
		parameters: { operation: 'resendInvitation', email: '={{ $json.email }}', options },
		onError: 'continueErrorOutput',
	});
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await runWorkflow(workflow, {
		credentials: { gcoreIamApi: { apiKey: DEFAULT_API_KEY, baseUrl: url } },
	});
	const workflowMs = performance.now() - started;
	if (hold) hold.run = result;
	const used = process.cpuUsage(cpu);
	const task = result.runs(GCORE_NODE_NAME).at(-1);
	const outputs = result.outputs(GCORE_NODE_NAME);
	return {
		workflowMs,
		nodeMs: task?.executionTime ?? NaN,
		routed: [0, 1, 2, 3].map((output) => outputs[output]?.length ?? 0),
		workflowError: result.error?.message,
		cpuMs: (used.user + used.system) / 1000,
	};
}
