// One simulator per test file and a `run()` that sends items through the real engine to it;
// n8n's deduplication store for the files that need one; helpers that read both.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { GcoreWorkflowOptions, RunOptions, RunResult } from '../../harness/engine';
import {
	GCORE_NODE_NAME,
	gcoreWorkflow,
	restartNodeProcess,
	runWorkflow,
} from '../../harness/engine';
import type { MemoryDeduplicationStore } from '../../harness/engine/deduplicationStore';
import { installDeduplicationStore } from '../../harness/engine/deduplicationStore';
import type { SimUser, Simulator, SimulatorOptions } from '../../simulator';
import { DEFAULT_API_KEY, startSimulator } from '../../simulator';

export const API_KEY = DEFAULT_API_KEY;

export interface NodeRun extends RunResult {
	/** The Gcore node's outputs; `error` is n8n's Error output (continueErrorOutput only). */
	gcore: Record<'success' | 'alreadyActivated' | 'notFound' | 'error', INodeExecutionData[]>;
}

/** `count` invited customers: customer0@example.com, customer1@example.com, … */
export const invitedUsers = (count: number, prefix = 'customer'): SimUser[] =>
	Array.from({ length: count }, (_, i) => ({
		email: `${prefix}${i}@example.com`,
		status: 'invited',
	}));
export const items = (addresses: string[]) => addresses.map((email) => ({ email }));

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

	/** Requests for an address, and the 2xx answers among them (e-mails sent). */
	const requests = (email: string) => sim().stats().byEmail[email] ?? 0;
	const sent = (email: string) => sim().stats().sentByEmail[email] ?? 0;

	/** Who of `addresses` was never e-mailed, and who twice or more; printed under `label`. */
	function tally(label: string, addresses: Iterable<string>) {
		const all = [...addresses];
		const neverEmailed = all.filter((email) => sent(email) === 0);
		const twice = all.filter((email) => sent(email) > 1);
		console.log(
			`${label}: ${all.length} customers, ${neverEmailed.length} never e-mailed, ${twice.length} e-mailed twice`,
		);
		return { neverEmailed, twice };
	}

	return { sim, run, requests, sent, tally };
}

/** n8n's deduplication store (installed once per process), emptied before each test. */
export function useDeduplicationStore(): () => MemoryDeduplicationStore {
	const state: { store?: MemoryDeduplicationStore } = {};
	beforeAll(async () => {
		state.store = await installDeduplicationStore();
	});
	beforeEach(() => state.store?.clear());
	return () => {
		if (!state.store) throw new Error('store not installed');
		return state.store;
	};
}

export const emails = (items: INodeExecutionData[]) => items.map((item) => item.json.email);
export const pairing = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);
export const invitation = (item: INodeExecutionData) => item.json.invitation as IDataObject;
export const outcomes = (items: INodeExecutionData[]) =>
	items.map((item) => invitation(item).outcome);

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
