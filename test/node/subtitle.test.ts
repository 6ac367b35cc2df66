import { Workflow } from 'n8n-workflow';

import { GCORE_NODE_TYPE, gcoreWorkflow, harnessTypes } from '../../harness/engine';

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
