// IWorkflowExecuteAdditionalData for one harness execution: only what WorkflowExecute and the node
// contexts touch is real (no sub-workflows, task runners or secrets).
import './env';

import type {
	ICredentialsHelper,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ExecutionLifecycleHooks } from 'n8n-core';

const BASE_URL = 'http://localhost:5678/';

function notInHarness(what: string): never {
	throw new Error(`${what} is not available in the test harness`);
}

export function createAdditionalData(
	executionId: string,
	mode: WorkflowExecuteMode,
	workflow: Pick<IWorkflowBase, 'id' | 'name' | 'nodes' | 'connections' | 'settings'>,
	credentialsHelper: ICredentialsHelper,
): IWorkflowExecuteAdditionalData {
	const workflowData: IWorkflowBase = {
		...workflow,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
	};
	return {
		hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
		executionId,
		credentialsHelper,
		workflowId: workflow.id,
		currentNodeExecutionIndex: 0,
		variables: {},
		// No external secrets: n8n-core reads them only when an expression uses $secrets.
		externalSecretsProxy: undefined as never,
		restApiUrl: `${BASE_URL}rest`,
		instanceBaseUrl: BASE_URL,
		formBaseUrl: `${BASE_URL}form`,
		formWaitingBaseUrl: `${BASE_URL}form-waiting`,
		formTestBaseUrl: `${BASE_URL}form-test`,
		webhookBaseUrl: `${BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}webhook-test`,
		mcpBaseUrl: `${BASE_URL}mcp`,
		mcpTestBaseUrl: `${BASE_URL}mcp-test`,
		executeWorkflow: async () => notInHarness('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => notInHarness('The task runner (Code node sandbox)'),
	};
}
