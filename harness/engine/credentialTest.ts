/**
 * Runs a credential type's `test` request (ICredentialTestRequest) the way n8n's
 * CredentialsTester does for the "Test" button / save: a temporary node whose only
 * parameter routes `test.request`, executed by n8n-core's RoutingNode (so `baseURL` /
 * `url` expressions resolve with `$credentials`, the credential's `authenticate` is applied
 * through httpRequestWithAuthentication, and `rules` are checked), with n8n's messages.
 */
import './env';

import type {
	ICredentialDataDecryptedObject,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	IRunExecutionData,
	IWorkflowBase,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { ExecuteContext, RoutingNode } from 'n8n-core';

import { createAdditionalData } from './additionalData';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { emptyRunExecutionData } from './engineLine';
import { harnessTypes } from './nodeTypes';
import { NoOpStandIn } from './standInNodes';

interface ErrorWithCause {
	message: string;
	cause?: { response?: { status: number; statusText?: string }; code?: string };
}

function valueAt(data: unknown, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], data);
}

export async function testCredential(
	credentialTypeName: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const { credentialTypes } = await harnessTypes();
	const credentialType = credentialTypes.get(credentialTypeName);
	if (!credentialType) throw new Error(`Unknown credential type "${credentialTypeName}"`);
	const testRequest = credentialType.test;
	if (!testRequest)
		return { status: 'Error', message: 'No testing function found for this credential.' };

	// n8n's tester uses the noOp node's description with this one routed parameter.
	const base = new NoOpStandIn().description;
	const nodeType: INodeType = {
		description: {
			...base,
			credentials: [{ name: credentialTypeName, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: base.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialTypeName]: { id: 'test', name: 'test' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => nodeType,
			getByNameAndVersion: (_name, version) => NodeHelpers.getVersionedNodeType(nodeType, version),
			getKnownTypes: () => ({}),
		},
	});
	const workflowData: IWorkflowBase = {
		id: 'credential-test',
		name: 'Credential test',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
	};
	const helper = new HarnessCredentialsHelper(credentialTypes, { [credentialTypeName]: data });
	const additionalData = createAdditionalData({
		executionId: 'credential-test',
		mode: 'internal',
		workflowData,
		credentialsHelper: helper,
	});
	// As in n8n, credential-type defaults are applied to the data before the test runs.
	const decrypted = await helper.getDecrypted(
		additionalData,
		{ id: 'test', name: 'test' },
		credentialTypeName,
		'internal',
	);
	const runExecutionData: IRunExecutionData = emptyRunExecutionData();
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, nodeType, {
		id: 'test',
		name: 'test',
		type: credentialTypeName,
		data: decrypted,
	});

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as ErrorWithCause;
		const httpResponse = error.cause?.response;
		if (httpResponse) {
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && httpResponse.status === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (httpResponse.status < 199 || httpResponse.status > 299) {
				return {
					status: 'Error',
					message: httpResponse.statusText || `Received HTTP status code: ${httpResponse.status}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: error.message.toString() };
	}

	for (const rule of testRequest.rules ?? []) {
		if (
			rule.type === 'responseSuccessBody' &&
			valueAt(response?.[0]?.[0]?.json, rule.properties.key) === rule.properties.value
		) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
