// The n8n engine loaded (Jest runs once per engines.json entry; scripts on n8n-core 2.41.1) and
// where the engines differ.
import * as core from 'n8n-core';
import type { INode, IRunExecutionData, Workflow } from 'n8n-workflow';
import * as workflowPackage from 'n8n-workflow';
import { version as coreVersion } from 'n8n-core/package.json';
import { version as workflowVersion } from 'n8n-workflow/package.json';

import engines from './engines.json';

export interface EngineLine {
	/** As in engines.json: "1.85.x", "1.123.x", "2.41.1". */
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

/** Each is pinned by engineFacts.test.ts (README "Compatibility" where it matters to a user). */
export const engineDiffers = {
	/** The Error output takes an item whose json has details too (1.x: only {error[, message]}). */
	errorOutputAcceptsDetails: major >= 2,
	/** An item moved by `item.error` keeps its json (later: `{ error: message }`). */
	itemErrorKeepsJson: coreVersion === '1.84.0',
	/** Retry On Fail under a continue mode runs every try and keeps the FIRST run's output. */
	continueRetryKeepsFirstRun: coreVersion === '1.84.0',
	/** The credential test's `rules` apply (1.122 loses the HTTP cause: stock text). */
	credentialTestRules: !coreVersion.startsWith('1.122.'),
	/** NodeApiError from the HTTP helpers keeps the AxiosError as `cause` (not in n8n-core 1.122). */
	nodeApiErrorKeepsCause: !coreVersion.startsWith('1.122.'),
	/** A tool gets Retry On Fail and its throw reaches the agent (1.84: text, no retry). */
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

/** The Logger behind a node's `this.logger`, read through the contexts' own getter: its package differs by line. */
export function engineLogger(): { warn(message: string, ...rest: unknown[]): void } {
	let prototype: object | null = core.ExecuteContext.prototype;
	while (prototype && !Object.getOwnPropertyDescriptor(prototype, 'logger'))
		prototype = Object.getPrototypeOf(prototype);
	const getter = prototype && Object.getOwnPropertyDescriptor(prototype, 'logger')?.get;
	if (!getter) throw new Error(`n8n-core ${coreVersion}: execution contexts have no logger`);
	return getter.call({}) as { warn(message: string, ...rest: unknown[]): void };
}
