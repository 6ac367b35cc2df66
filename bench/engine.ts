// Our node through n8n-core's real WorkflowExecute (harness/engine), "Continue (using error output)"
// so that a failed item is counted, not a stopped run.
import type { IDataObject } from 'n8n-workflow';

import { gcoreWorkflow, runWorkflow } from '../harness/engine';
import { GCORE_NODE_NAME } from '../harness/names';
import { DEFAULT_API_KEY } from '../simulator';

/** ms: the node's executionTime as n8n records it; failed: items on none of the three outcome outputs. */
export async function runOurNode(url: string, items: IDataObject[], options: IDataObject) {
	const parameters = { operation: 'resendInvitation', email: '={{ $json.email }}', options };
	const workflow = gcoreWorkflow({ items, parameters, onError: 'continueErrorOutput' });
	const credentials = { gcoreIamApi: { apiKey: DEFAULT_API_KEY, baseUrl: url } };
	const result = await runWorkflow(workflow, { credentials });
	const outputs = result.outputs(GCORE_NODE_NAME);
	const routed = [0, 1, 2].reduce((n, output) => n + (outputs[output]?.length ?? 0), 0);
	const ms = result.runs(GCORE_NODE_NAME).at(-1)?.executionTime ?? NaN;
	return { ms, failed: items.length - routed, error: result.error?.message };
}
