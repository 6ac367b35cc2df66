// Each Jest project must run the engine it names, the built package loaded against that engine's
// own n8n-workflow (as n8n runs a community package): if jest.config.js's mapping stopped holding,
// the package would silently run on another n8n-workflow.
import path from 'node:path';

import * as core from 'n8n-core';
import * as workflowPackage from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { engine, REPO_ROOT } from '../../harness/engine';

declare const N8N_TEST_ENGINE: Record<
	'n8n' | 'core' | 'workflow' | 'coreMain' | 'workflowMain',
	string
>;

const expected = N8N_TEST_ENGINE;
const node: INode = {
	id: 'x',
	name: 'Gcore IAM',
	type: 'x',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe(`the engine of this project (n8n ${expected.n8n})`, () => {
	test('the harness loads the engine’s own modules, of the versions this n8n line ships', async () => {
		expect(engine).toEqual({ n8n: expected.n8n, core: expected.core, workflow: expected.workflow });
		expect(core).toBe(await import(expected.coreMain));
		expect(workflowPackage).toBe(await import(expected.workflowMain));
	});

	test('the built package resolves n8n-workflow to the engine’s copy: its errors are the engine’s classes', async () => {
		const { buildItemError } = await import(
			path.join(REPO_ROOT, 'dist/nodes/GcoreIam/outcome/failure.js')
		);
		const error = buildItemError(
			node,
			{ kind: 'connection', code: 'ECONNRESET', timedOut: false },
			{
				itemIndex: 0,
				email: 'a@example.com',
				attempts: 1,
				baseUrl: 'http://127.0.0.1:9',
				timeoutMs: 1000,
				apiKey: 'k',
			},
		);
		const engineWorkflow = (await import(expected.workflowMain)) as typeof workflowPackage;
		expect(error).toBeInstanceOf(engineWorkflow.NodeApiError);
		// Not the repo's own dev copy (n8n-workflow 2.41.0), unless that is the engine's.
		const devCopy = (await import(
			path.join(REPO_ROOT, 'node_modules/n8n-workflow')
		)) as typeof workflowPackage;
		const devCopyVersion = (
			(await import(path.join(REPO_ROOT, 'node_modules/n8n-workflow/package.json'))) as {
				version: string;
			}
		).version;
		expect(error instanceof devCopy.NodeApiError).toBe(devCopy === engineWorkflow);
		expect(devCopy === engineWorkflow).toBe(expected.workflow === devCopyVersion);
	});
});
