import type { IExecuteFunctions } from 'n8n-workflow';

import type { Route } from '../../outcome/classify';

/** A final answer for one address: re-sending it would e-mail the customer again. */
export interface FinalAnswer {
	route: Route;
	statusCode: number;
	attempts: number;
	message?: string;
	requestId?: string;
}

// n8n's "Retry On Fail" runs the node again, with all items, in the same execution and run
// index. Answers already received in that run are kept here so that nobody gets a second
// e-mail. Only the most recent runs are kept.
const MAX_RUNS_KEPT = 32;
const runs = new Map<string, Map<string, FinalAnswer>>();

export function answersOfThisRun(context: IExecuteFunctions): Map<string, FinalAnswer> {
	const executionId = context.getExecutionId();
	if (!executionId) return new Map();
	const runIndex = context.getWorkflowDataProxy(0).$thisRunIndex;
	const key = `${executionId}\u0000${context.getNode().name}\u0000${runIndex}`;
	const known = runs.get(key);
	if (known) return known;
	const answers = new Map<string, FinalAnswer>();
	runs.set(key, answers);
	if (runs.size > MAX_RUNS_KEPT) runs.delete(runs.keys().next().value as string);
	return answers;
}
