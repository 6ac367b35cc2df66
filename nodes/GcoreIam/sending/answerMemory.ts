import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Route } from '../outcome/classify';

/** A final answer for one address: re-sending it would e-mail the customer again. */
export interface FinalAnswer {
	route: Route;
	statusCode: number;
	attempts: number;
	message?: string;
	requestId?: string;
}

// n8n's "Retry On Fail" runs the node again, with all items, in the same execution and run
// index, after execute() has returned (at most 5 tries, at most 5 s apart). Answers already
// received in that run are kept here so that nobody gets a second e-mail.
//
// A run's answers are never dropped while one of its tries is running, however many other runs
// start. After a try they are dropped at once when n8n will not try again (no Retry On Fail,
// or a result that does not trigger it, or a cancelled execution); otherwise they are kept
// for KEEP_FOR_RETRY_MS, until the node's next run index shows this one is over, or until more
// than MAX_WAITING_RUNS runs are waiting for a retry (the longest waiting first).
const KEEP_FOR_RETRY_MS = 10 * 60_000;
const MAX_WAITING_RUNS = 10_000;

interface RunAnswers {
	answers: Map<string, FinalAnswer>;
	/** Tries of this run that are running now. */
	running: number;
}

const runs = new Map<string, RunAnswers>();
/** Runs no try of which is running, by key, in the order their last try ended. */
const waitingForRetry = new Map<string, number>();

/**
 * Runs `tryOnce` with the answers already received in this run (it adds the new ones), and
 * keeps them for n8n's next try as long as one may come.
 */
export async function withAnswersOfThisRun(
	context: IExecuteFunctions,
	tryOnce: (remembered: Map<string, FinalAnswer>) => Promise<INodeExecutionData[][]>,
): Promise<INodeExecutionData[][]> {
	const executionId = context.getExecutionId();
	if (!executionId) return await tryOnce(new Map());
	const node = context.getNode();
	const runIndex = context.getWorkflowDataProxy(0).$thisRunIndex;
	const runKey = (index: number) => `${executionId}\u0000${node.name}\u0000${index}`;
	const key = runKey(runIndex);
	forget(runKey(runIndex - 1));
	forgetExpired(Date.now());

	waitingForRetry.delete(key);
	let run = runs.get(key);
	if (!run) {
		run = { answers: new Map(), running: 0 };
		runs.set(key, run);
	}
	run.running++;
	let output: INodeExecutionData[][] | undefined;
	try {
		output = await tryOnce(run.answers);
		return output;
	} finally {
		run.running--;
		if (run.running === 0) {
			const retryMayFollow =
				node.retryOnFail === true && !context.getExecutionCancelSignal()?.aborted && (output === undefined || failsTry(output));
			if (retryMayFollow) waitingForRetry.set(key, Date.now());
			else forget(key);
		}
	}
}

/** n8n's rule: a try failed if it threw, or if the first item of the first output has an error. */
function failsTry(output: INodeExecutionData[][]): boolean {
	const error = output[0]?.[0]?.json?.error;
	return error !== undefined && error !== null && error !== false;
}

function forget(key: string): void {
	if (runs.get(key)?.running) return;
	runs.delete(key);
	waitingForRetry.delete(key);
}

function forgetExpired(now: number): void {
	for (const [key, since] of waitingForRetry) {
		if (now - since <= KEEP_FOR_RETRY_MS && waitingForRetry.size <= MAX_WAITING_RUNS) break;
		forget(key);
	}
}
