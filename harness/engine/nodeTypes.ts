/** Node and credential types of a run: the built package, stand-ins, test-only and registered ones. */
import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { loadPackage } from './loadPackage';
import { standInNodeTypes } from './standInNodes';
import { testNodeTypes } from './testNodes';
import { TOOL_SUFFIX, toToolVariant } from './toolVariant';

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	private readonly toolVariants = new Map<string, INodeType>();

	register(name: string, nodeType: INodeType | IVersionedNodeType): void {
		this.types.set(name, nodeType);
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		const toolOf = name.endsWith(TOOL_SUFFIX) ? name.slice(0, -TOOL_SUFFIX.length) : undefined;
		const nodeType = this.types.get(name) ?? (toolOf && this.types.get(toolOf));
		if (!nodeType) throw new Error(`Unknown node type "${name}" in the test harness`);
		return nodeType;
	}

	/** Like n8n's CLI, a `usableAsTool` node is also offered as `<name>Tool` (made on first use). */
	getByNameAndVersion(name: string, version?: number): INodeType {
		const nodeType = NodeHelpers.getVersionedNodeType(this.getByName(name), version);
		if (this.types.has(name)) return nodeType;
		const key = `${name}?${version}`;
		if (!this.toolVariants.has(key)) this.toolVariants.set(key, toToolVariant(nodeType));
		return this.toolVariants.get(key)!;
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const name of this.types.keys()) known[name] = { className: name, sourcePath: '' };
		return known;
	}
}

export interface HarnessTypes {
	nodeTypes: HarnessNodeTypes;
	credentialTypes: Map<string, ICredentialType>;
}

let shared: Promise<HarnessTypes> | undefined;

async function build(): Promise<HarnessTypes> {
	const nodeTypes = new HarnessNodeTypes();
	for (const nodeType of [...standInNodeTypes, ...testNodeTypes])
		nodeTypes.register(nodeType.description.name, nodeType);
	const loaded = await loadPackage();
	for (const [name, nodeType] of loaded.nodeTypes) nodeTypes.register(name, nodeType);
	return { nodeTypes, credentialTypes: loaded.credentialTypes };
}

/** The process-wide registry (loaded once; the package is read from dist/ on first use). */
export async function harnessTypes(): Promise<HarnessTypes> {
	shared ??= build().catch((error: unknown) => {
		shared = undefined;
		throw error;
	});
	return await shared;
}

/** Make a test-only node type available to runWorkflow under `description.name`. */
export async function registerNodeType(nodeType: INodeType | IVersionedNodeType): Promise<void> {
	(await harnessTypes()).nodeTypes.register(nodeType.description.name, nodeType);
}

/** Make a test-only credential type available to runWorkflow under its `name`. */
export async function registerCredentialType(credentialType: ICredentialType): Promise<void> {
	(await harnessTypes()).credentialTypes.set(credentialType.name, credentialType);
}
