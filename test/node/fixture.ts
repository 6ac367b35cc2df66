/**
 * One simulator per test file and a `run()` that sends items through the real engine to it.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { GcoreWorkflowOptions, RunOptions, RunResult } from '../../harness/engine';
import {
	GCORE_NODE_NAME,
	gcoreWorkflow,
	restartNodeProcess,
	runWorkflow,
} from '../../harness/engine';
import type { Simulator, SimulatorOptions } from '../../simulator';
import { DEFAULT_API_KEY, startSimulator } from '../../simulator';

export const API_KEY = DEFAULT_API_KEY;

export interface Outputs {
	success: INodeExecutionData[];
	alreadyActivated: INodeExecutionData[];
	notFound: INodeExecutionData[];
	/** n8n's Error output (continueErrorOutput only). */
	error: INodeExecutionData[];
}

export interface NodeRun extends RunResult {
	gcore: Outputs;
}

export function useSimulator(options: SimulatorOptions = {}) {
	const state: { sim?: Simulator } = {};
	beforeAll(async () => {
		state.sim = await startSimulator(options);
	});
	afterEach(async () => {
		state.sim?.reset();
		await restartNodeProcess();
	});
	afterAll(async () => await state.sim?.close());

	const sim = () => {
		if (!state.sim) throw new Error('simulator not started');
		return state.sim;
	};

	async function run(
		workflow: GcoreWorkflowOptions,
		opts: RunOptions & { apiKey?: string; baseUrl?: string } = {},
	): Promise<NodeRun> {
		const { apiKey = API_KEY, baseUrl = sim().url, ...runOptions } = opts;
		const result = await runWorkflow(gcoreWorkflow(workflow), {
			credentials: { gcoreIamApi: { apiKey, baseUrl } },
			...runOptions,
		});
		const [success = [], alreadyActivated = [], notFound = [], error = []] =
			result.outputs(GCORE_NODE_NAME);
		return { ...result, gcore: { success, alreadyActivated, notFound, error } };
	}

	return { sim, run };
}

export const emails = (items: INodeExecutionData[]) => items.map((item) => item.json.email);
export const pairing = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);
export const invitation = (item: INodeExecutionData) => item.json.invitation as IDataObject;

/** Waits until `condition` holds, asking every 20 ms; fails after 20 s naming `what`. */
export async function until(condition: () => boolean, what: string): Promise<void> {
	for (
		const started = Date.now();
		!condition();
		await new Promise((resolve) => setTimeout(resolve, 20))
	) {
		if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
	}
}

/** Everything a user could see of a run, as text: outputs, errors, run data. */
export function everythingShown(result: RunResult): string {
	return JSON.stringify({
		data: result.run.data,
		error: result.error,
		message: result.error?.message,
	});
}
