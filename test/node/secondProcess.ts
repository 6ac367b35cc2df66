/**
 * A second n8n process in this one: the built package copied to its own folder and loaded from
 * there, so its modules (and their module state: the node's turn-taking, account gates) are its
 * own, as in another queue-mode worker. Its node type gets another package name; nodes of both
 * share n8n-core's one deduplication store, as workers share the database.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import type { GcoreWorkflowOptions, RunOptions, RunResult } from '../../harness/engine';
import {
	GCORE_NODE_NAME,
	GCORE_NODE_TYPE,
	gcoreWorkflow,
	harnessTypes,
	loadPackage,
	REPO_ROOT,
	runWorkflow,
} from '../../harness/engine';

export interface SecondProcess {
	/** Runs the workflow `gcoreWorkflow(workflow)` with the Gcore node of the second process. */
	run(
		workflow: GcoreWorkflowOptions,
		opts: RunOptions,
	): Promise<RunResult & { success: INodeExecutionData[] }>;
	close(): void;
}

export async function startSecondProcess(): Promise<SecondProcess> {
	const folder = mkdtempSync(path.join(tmpdir(), 'gcore-iam-second-process-'));
	const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		name: string;
	};
	writeFileSync(
		path.join(folder, 'package.json'),
		JSON.stringify({ ...pkg, name: `${pkg.name}-second-process` }),
	);
	cpSync(path.join(REPO_ROOT, 'dist'), path.join(folder, 'dist'), { recursive: true });
	const loaded = await loadPackage(folder);
	const { nodeTypes } = await harnessTypes();
	for (const [name, nodeType] of loaded.nodeTypes) nodeTypes.register(name, nodeType);
	const nodeType = `${loaded.packageName}.gcoreIam`;
	return {
		async run(workflow, opts) {
			const definition = gcoreWorkflow(workflow);
			for (const node of definition.nodes) if (node.type === GCORE_NODE_TYPE) node.type = nodeType;
			const result = await runWorkflow(definition, opts);
			return { ...result, success: result.outputs(GCORE_NODE_NAME)[0] ?? [] };
		},
		close: () => rmSync(folder, { recursive: true, force: true }),
	};
}
