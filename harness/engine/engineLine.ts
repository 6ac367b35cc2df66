/**
 * Which n8n engine the harness runs on, and the few places where the engines' APIs differ.
 * Jest runs the engine-level tests once per engine in engines.json (see jest.config.js);
 * scripts (demo, bench) run on the default one, n8n-core 2.41.1. The versions are those of the
 * modules actually loaded, not of a setting.
 */
import * as core from 'n8n-core';
import type { INode, IRunExecutionData, Workflow } from 'n8n-workflow';
import * as workflowPackage from 'n8n-workflow';
import { version as coreVersion } from 'n8n-core/package.json';
import { version as workflowVersion } from 'n8n-workflow/package.json';

import engines from './engines.json';

export interface EngineLine {
	/** The n8n release line this n8n-core ships with, as in engines.json ("1.85.x", "1.123.x", "2.41.1"). */
	n8n: string;
	core: string;
	workflow: string;
}

function lineOf(version: string): EngineLine {
	const line = engines.find((entry) => entry.core === version);
	if (!line)
		throw new Error(`n8n-core ${version} is not one of the engines in harness/engine/engines.json`);
	return { n8n: line.n8n, core: coreVersion, workflow: workflowVersion };
}

export const engine: EngineLine = lineOf(coreVersion);

const major = Number(coreVersion.split('.')[0]);

/**
 * What the engine does differently around a node (each is pinned by engineFacts.test.ts and
 * listed in the README's Compatibility section where it matters to a user).
 */
export const engineDiffers = {
	/**
	 * "Continue (using error output)" moves an item by its json when its keys are exactly
	 * {error} or {error, message} (1.x), or any of error/message/details (2.x).
	 */
	errorOutputAcceptsDetails: major >= 2,
	/**
	 * An item with `item.error` set is moved to the Error output; n8n-core 1.84 clears it and keeps
	 * the json, later engines replace the json with `{ error: item.error.message }`.
	 */
	itemErrorKeepsJson: coreVersion === '1.84.0',
	/**
	 * Retry On Fail under a continue mode: n8n-core 1.84 re-runs the node maxTries times once the
	 * first run's output 0, item 0 has json.error, and keeps the FIRST run's output; later engines
	 * stop at the first run without it and keep the last run's output.
	 */
	continueRetryKeepsFirstRun: coreVersion === '1.84.0',
	/**
	 * The credential test's `rules` (custom messages per status) apply: n8n-core 1.122's RoutingNode
	 * throws the test request's error without its HTTP cause, so n8n 1.123 shows stock text.
	 */
	credentialTestRules: !coreVersion.startsWith('1.122.'),
	/** NodeApiError from the HTTP helpers keeps the AxiosError as `cause` (not in n8n-core 1.122). */
	nodeApiErrorKeepsCause: !coreVersion.startsWith('1.122.'),
	/**
	 * As an AI tool: n8n-core 1.84 counts run indexes per getInputConnectionData call, does not
	 * apply Retry On Fail, and hands a thrown error to the agent as the text "Error during node
	 * execution: …"; later engines retry, number runs by the node's run data and throw.
	 */
	toolRetriesAndThrows: coreVersion !== '1.84.0',
	/** n8n-core 1.84 leaves the final status to the server's hooks: a failed run reports `running`. */
	reportsFailedStatus: coreVersion !== '1.84.0',
};

type Execution = ReturnType<core.WorkflowExecute['run']>;

/** WorkflowExecute.run: positional arguments in 1.x, an options object in 2.x. */
export function startRun(
	workflowExecute: core.WorkflowExecute,
	workflow: Workflow,
	startNode: INode,
): Execution {
	if (major >= 2) return workflowExecute.run({ workflow, startNode });
	const run = workflowExecute.run as unknown as (workflow: Workflow, startNode: INode) => Execution;
	return run.call(workflowExecute, workflow, startNode);
}

/** An empty run's execution data (n8n-workflow 1.83 has no createRunExecutionData). */
export function emptyRunExecutionData(): IRunExecutionData {
	const { createRunExecutionData } = workflowPackage as Partial<typeof workflowPackage>;
	if (createRunExecutionData) return createRunExecutionData({ resultData: { runData: {} } });
	return {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
}

/**
 * The Logger the engine's node contexts log through (`this.logger` in a node), for tests that
 * watch what a node logs: read through the contexts' own getter, so it is the engine's instance
 * whichever package the line keeps it in (n8n-core 1.84 itself, later @n8n/backend-common).
 */
export function engineLogger(): { warn(message: string, ...rest: unknown[]): void } {
	let prototype: object | null = core.ExecuteContext.prototype;
	while (prototype && !Object.getOwnPropertyDescriptor(prototype, 'logger'))
		prototype = Object.getPrototypeOf(prototype);
	const getter = prototype && Object.getOwnPropertyDescriptor(prototype, 'logger')?.get;
	if (!getter) throw new Error(`n8n-core ${coreVersion}: execution contexts have no logger`);
	return getter.call({}) as { warn(message: string, ...rest: unknown[]): void };
}
