// A workflow saved with typeVersion 1 (as n8n writes it: defaults left out, options by name)
// keeps what version 1 did when released; a new default is a new typeVersion (docs/development.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, IVersionedNodeType, INodeType } from 'n8n-workflow';

import type { WorkflowDefinition } from '../../harness/engine';
import { GCORE_NODE_TYPE, harnessTypes, runWorkflow } from '../../harness/engine';
import { API_KEY, useDeduplicationStore, useSimulator } from './fixture';

const SAVED = join(__dirname, 'fixtures', 'savedWithTypeVersion1.workflow.json');
const NODE = 'Resend invitation';

const { sim, requests } = useSimulator({
	users: [
		{ email: 'ines.invited@example.com', status: 'invited' },
		{ email: 'arno.active@example.com', status: 'active' },
	],
});
useDeduplicationStore();

function savedWorkflow(): WorkflowDefinition {
	return JSON.parse(readFileSync(SAVED, 'utf8')) as WorkflowDefinition;
}

async function runSaved() {
	const result = await runWorkflow(savedWorkflow(), {
		credentials: { gcoreIamApi: { apiKey: API_KEY, baseUrl: sim().url } },
	});
	const reached = (name: string) =>
		(result.outputs(name)[0] ?? []).map((item: INodeExecutionData) => item.json);
	return { result, reached };
}

/** A CRM row as it reaches the node after the Gcore node: its fields plus `invitation`. */
const crm = (name: string, crmId: number, email: string, invitation: IDataObject) => ({
	name,
	crmId,
	email,
	invitation: { email, attempts: 1, requestId: expect.any(String), ...invitation },
});

function typeVersions(nodeType: INodeType | IVersionedNodeType): number[] {
	if ('nodeVersions' in nodeType) return Object.keys(nodeType.nodeVersions).map(Number);
	return [nodeType.description.version].flat();
}

describe('a workflow saved with typeVersion 1', () => {
	test('the package still offers typeVersion 1 of the node', async () => {
		expect(savedWorkflow().nodes.find((node) => node.name === NODE)).toMatchObject({
			type: GCORE_NODE_TYPE,
			typeVersion: 1,
		});
		const { nodeTypes } = await harnessTypes();
		expect(typeVersions(nodeTypes.getByName(GCORE_NODE_TYPE))).toContain(1);
	});

	test('routes invited → Success, already active → Already Activated, unknown → Not Found, with the same invitation fields, and keeps its saved options', async () => {
		const { result, reached } = await runSaved();

		expect(result.error).toBeUndefined();
		expect(reached('Welcome')).toEqual([
			crm('Ines Invited', 101, 'ines.invited@example.com', { outcome: 'sent', statusCode: 200 }),
			crm('Ines again', 104, 'Ines.Invited@example.com', { outcome: 'sent', statusCode: 200 }),
		]);
		expect(reached('Mark active in CRM')).toEqual([
			crm('Arno Active', 102, 'arno.active@example.com', {
				outcome: 'alreadyActivated',
				statusCode: 400,
				message: 'This user already activated.',
			}),
		]);
		expect(reached('Flag unknown in CRM')).toEqual([
			crm('Nora Nobody', 103, 'nora.nobody@example.com', {
				outcome: 'notFound',
				statusCode: 404,
				message: 'User with given email not found.',
			}),
		]);
		expect(result.outputs(NODE).map((output) => output.map((item) => item.pairedItem))).toEqual([
			[{ item: 0 }, { item: 3 }],
			[{ item: 1 }],
			[{ item: 2 }],
		]);
		// The same address twice in one run (another case) is one request.
		expect(requests('ines.invited@example.com')).toBe(1);

		// Its saved options still apply: Skip If Invited Within 0 sends again in the next execution.
		const again = await runSaved();
		expect(again.result.error).toBeUndefined();
		const outcomes = again.reached('Welcome').map((json) => json.invitation as IDataObject);
		expect(outcomes.map((invitation) => invitation.outcome)).toEqual(['sent', 'sent']);
		expect(requests('ines.invited@example.com')).toBe(2);
	});
});
