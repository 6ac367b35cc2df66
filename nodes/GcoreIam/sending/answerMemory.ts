import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Answer } from '../outcome/results';
import { ProcessMap } from '../processState';

// n8n's "Retry On Fail" runs the node again, with all items, in the same execution and run
// index, after execute() has returned (at most 5 tries, at most 5 s apart). Answers already
// received in that run are kept here so that nobody gets a second e-mail.
//
// A run's answers are never dropped while one of its tries is running, however many other runs
// start. After a try they are dropped at once when n8n will not try again (no Retry On Fail,
// or a result that does not trigger it, or a cancelled execution); otherwise they are kept
// for 10 minutes, until the node's next run index shows this one is over, or until more than
// 10,000 runs are kept (those waiting longest are dropped first).
interface RunAnswers {
	answers: Map<string, Answer>;
	/** Tries of this run that are running now. */
	running: number;
	/** When its last try ended. */
	endedAt: number;
}

const runs = new ProcessMap<RunAnswers>({
	idleMs: 10 * 60_000,
	maxEntries: 10_000,
	inUse: (run) => run.running > 0,
	idleSince: (run) => run.endedAt,
});

/**
 * The answers that earlier tries of this run received (empty for a first try), to be kept for
 * n8n's next try: call `end` with the try's output (none if it threw) and its answers.
 */
export function startTry(context: IExecuteFunctions): {
	answers: Map<string, Answer>;
	end: (output: INodeExecutionData[][] | undefined, answers: Map<string, Answer>) => void;
} {
	const executionId = context.getExecutionId();
	if (!executionId) return { answers: new Map(), end: () => {} };
	const node = context.getNode();
	const runIndex = context.getWorkflowDataProxy(0).$thisRunIndex;
	const runKey = (index: number) => `${executionId}\u0000${node.name}\u0000${index}`;
	forget(runKey(runIndex - 1));

	const key = runKey(runIndex);
	const run = runs.use(key, () => ({ answers: new Map(), running: 0, endedAt: 0 }));
	run.running++;
	return {
		answers: new Map(run.answers),
		end: (output, answers) => {
			for (const [address, answer] of answers) run.answers.set(address, answer);
			run.running--;
			run.endedAt = Date.now();
			if (run.running > 0) return;
			const retryMayFollow =
				node.retryOnFail === true &&
				!context.getExecutionCancelSignal()?.aborted &&
				(output === undefined || failsTry(output));
			if (!retryMayFollow) forget(key);
		},
	};
}

/** n8n's rule: a try failed if it threw, or if the first item of the first output has an error. */
function failsTry(output: INodeExecutionData[][]): boolean {
	const error = output[0]?.[0]?.json?.error;
	return error !== undefined && error !== null && error !== false;
}

function forget(key: string): void {
	if (!runs.get(key)?.running) runs.delete(key);
}
