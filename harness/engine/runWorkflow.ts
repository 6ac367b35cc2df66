/** Runs a workflow through n8n-core's real WorkflowExecute, in-process. */
import './env';

import type {
	ExecutionError,
	IConnections,
	ICredentialDataDecryptedObject,
	INode,
	INodeExecutionData,
	IRun,
	ITaskData,
	IWorkflowSettings,
	NodeConnectionType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';
import { WorkflowExecute } from 'n8n-core';

import { createAdditionalData } from './additionalData';
import { harnessCredentialsHelper } from './credentialsHelper';
import { startRun } from './engineLine';
import { harnessTypes } from './nodeTypes';

export interface WorkflowDefinition {
	nodes: INode[];
	connections: IConnections;
	name?: string;
	settings?: IWorkflowSettings;
}

export interface RunOptions {
	/** By credential type name: `{ gcoreIamApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	executionId?: string;
	/** Default 'manual' (the editor's "Execute workflow"). */
	mode?: WorkflowExecuteMode;
	/** Aborting it cancels the execution (n8n's "Stop"): nodes see getExecutionCancelSignal() abort. */
	signal?: AbortSignal;
}

export interface RunResult {
	run: IRun;
	executionId: string;
	/** The error that stopped the workflow (as n8n stores it: a plain copy, not the class instance). */
	error?: ExecutionError;
	/** The node's last run, one array per output (n8n's appended Error output too); [] if it did not run. */
	outputs(nodeName: string, connectionType?: NodeConnectionType): INodeExecutionData[][];
	/** Every run of the node (an engine Retry On Fail is one run; loops make several). */
	runs(nodeName: string): ITaskData[];
}

let executionCounter = 0;

/** The trigger, else the first node without input that is not a tool. */
function pickStartNode(workflow: Workflow, nodes: INode[]): INode {
	const start =
		workflow.getStartNode() ??
		nodes.find(
			({ name }) =>
				!workflow.connectionsByDestinationNode[name] &&
				!workflow.connectionsBySourceNode[name]?.[NodeConnectionTypes.AiTool],
		);
	if (!start) throw new Error('No start node: give a trigger or a node without input');
	return start;
}

export async function runWorkflow(
	definition: WorkflowDefinition,
	opts: RunOptions = {},
): Promise<RunResult> {
	const { nodeTypes, credentialTypes } = await harnessTypes();
	const mode = opts.mode ?? 'manual';
	const executionId = opts.executionId ?? `harness-${process.pid}-${++executionCounter}`;
	const data = {
		id: 'harness-workflow',
		name: definition.name ?? 'Harness workflow',
		// The engine writes into node objects (defaults): keep the caller's intact.
		nodes: definition.nodes.map((node) => ({ ...node, parameters: { ...node.parameters } })),
		connections: definition.connections,
		settings: { executionOrder: 'v1', ...definition.settings } as IWorkflowSettings,
	};
	const workflow = new Workflow({ ...data, active: false, nodeTypes });
	const additionalData = createAdditionalData(
		executionId,
		mode,
		data,
		harnessCredentialsHelper(credentialTypes, opts.credentials),
	);

	const execution = startRun(
		new WorkflowExecute(additionalData, mode),
		workflow,
		pickStartNode(workflow, data.nodes),
	);

	const { signal } = opts;
	const cancel = () => execution.cancel();
	signal?.addEventListener('abort', cancel, { once: true });
	let run: IRun;
	try {
		// With n8n's onCancel.shouldReject = false this resolves (status 'canceled') once the
		// running node has returned: a node that ignores the cancel signal delays it.
		run = await execution;
	} finally {
		signal?.removeEventListener('abort', cancel);
	}

	const { runData, error } = run.data.resultData;
	return {
		run,
		executionId,
		error,
		outputs(nodeName, connectionType = NodeConnectionTypes.Main) {
			const taskData = runData[nodeName]?.at(-1);
			return (taskData?.data?.[connectionType] ?? []).map((items) => items ?? []);
		},
		runs(nodeName) {
			return runData[nodeName] ?? [];
		},
	};
}
