import { NodeHelpers, Workflow } from 'n8n-workflow';

import { GCORE_NODE_TYPE, gcoreWorkflow, harnessTypes } from '../../harness/engine';
import { baseUrlProblem } from '../../nodes/GcoreIam/transport/credentialCheck';

// The credential form's notice about a malformed Base URL, by the `displayParameter` the editor runs.
async function noticeShownFor(baseUrl: string): Promise<boolean> {
	const { credentialTypes } = await harnessTypes();
	const notice = credentialTypes
		.get('gcoreIamApi')!
		.properties.find((property) => property.name === 'baseUrlNotice')!;
	return NodeHelpers.displayParameter({ apiKey: 'x', baseUrl }, notice, null, null);
}

describe('the Base URL notice in the credential form', () => {
	test.each([
		['api.gcore.com', true],
		['www.gcore.com', true],
		['htps://api.gcore.com', true],
		['https://api.gcore.com?x=1', true],
		['https://api.gcore.com#top', true],
		['https://api gcore.com', true],
		['https://me:pw@api.gcore.com', true],
		['localhost:8080', true],
		['https://api.gcore.com', false],
		['https://api.gcore.com/', false],
		['http://127.0.0.1:8080', false],
		['https://api.reseller.example/gcore/v1', false],
		['HTTPS://API.GCORE.COM', false],
	])('for %s: shown %s, as the node refuses it or not', async (baseUrl, shown) => {
		expect(await noticeShownFor(baseUrl)).toBe(shown);
		expect(baseUrlProblem(baseUrl.replace(/\/+$/, '')) !== undefined).toBe(shown);
	});
});

test('the canvas subtitle names the operation in words, evaluated as the editor does', async () => {
	const { nodeTypes } = await harnessTypes();
	const { nodes, connections } = gcoreWorkflow({ items: [] });
	const workflow = new Workflow({ id: 'subtitle', nodes, connections, active: false, nodeTypes });
	const node = nodes.find((candidate) => candidate.type === GCORE_NODE_TYPE)!;
	const { subtitle } = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
	expect(workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {})).toBe(
		'Resend invitation',
	);
});
