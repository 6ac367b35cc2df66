// A credential type's `test` as n8n's CredentialsTester runs it: a temporary node routing
// `test.request` through n8n-core's RoutingNode, then the `responseCode` rules, n8n's messages.
import './env';

import type {
	ICredentialDataDecryptedObject,
	INode,
	INodeCredentialTestResult,
	INodeType,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { ExecuteContext, RoutingNode } from 'n8n-core';

import { createAdditionalData } from './additionalData';
import { harnessCredentialsHelper } from './credentialsHelper';
import { emptyRunExecutionData } from './engineLine';
import { harnessTypes } from './nodeTypes';
import { NoOpStandIn } from './standInNodes';

export async function testCredential(
	credentialTypeName: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const { credentialTypes } = await harnessTypes();
	const testRequest = credentialTypes.get(credentialTypeName)?.test;
	if (!testRequest) throw new Error(`Credential type "${credentialTypeName}" has no test`);

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
			getByNameAndVersion: () => nodeType,
			getKnownTypes: () => ({}),
		},
	});
	const helper = harnessCredentialsHelper(credentialTypes, { [credentialTypeName]: data });
	const additionalData = createAdditionalData(
		'credential-test',
		'internal',
		{ id: 'credential-test', name: 'Credential test', nodes: [node], connections: {} },
		helper,
	);
	// As in n8n, credential-type defaults are applied to the data before the test runs.
	const decrypted = await helper.getDecrypted(
		additionalData,
		{ id: 'test', name: 'test' },
		credentialTypeName,
		'internal',
	);
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		emptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const credentials = { id: 'test', name: 'test', type: credentialTypeName, data: decrypted };
	try {
		await new RoutingNode(context, nodeType, credentials).runNode();
	} catch (caught) {
		const error = caught as Error & { cause?: { response?: { status: number } } };
		const status = error.cause?.response?.status;
		const rule = testRequest.rules?.find(
			(candidate) => candidate.type === 'responseCode' && candidate.properties.value === status,
		);
		return { status: 'Error', message: rule ? rule.properties.message : error.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
