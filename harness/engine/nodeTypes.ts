/**
 * The node and credential types a harness run can use: the built package (loaded by
 * loadPackage), n8n-nodes-base stand-ins, test-only nodes, and whatever a test registers.
 */
import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { loadPackage, missingBuildOutput, PackageNotBuiltError, REPO_ROOT } from './loadPackage';
import { standInNodeTypes } from './standInNodes';
import { testNodeTypes } from './testNodes';
import { canBeTool, TOOL_SUFFIX, toToolVariant } from './toolVariant';

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	private readonly toolVariants = new Map<string, INodeType>();

	/** Set when the package could not be loaded: asking for one of its types throws this. */
	unavailablePackage?: { prefix: string; error: Error };

	register(name: string, nodeType: INodeType | IVersionedNodeType): void {
		this.types.set(name, nodeType);
		for (const key of this.toolVariants.keys()) {
			if (key.startsWith(`${name}${TOOL_SUFFIX}?`)) this.toolVariants.delete(key);
		}
	}

	has(name: string): boolean {
		return this.types.has(name) || this.toolBase(name) !== undefined;
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		const nodeType = this.types.get(name);
		if (nodeType) return nodeType;
		const base = this.toolBase(name);
		if (base) return base;
		throw this.unknown(name);
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		const nodeType = this.types.get(name);
		if (nodeType) return NodeHelpers.getVersionedNodeType(nodeType, version);

		const base = this.toolBase(name);
		if (!base) throw this.unknown(name);
		const key = `${name}?${version ?? 'default'}`;
		let tool = this.toolVariants.get(key);
		if (!tool) {
			tool = toToolVariant(NodeHelpers.getVersionedNodeType(base, version));
			this.toolVariants.set(key, tool);
		}
		return tool;
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const name of this.types.keys()) known[name] = { className: name, sourcePath: '' };
		return known;
	}

	/** The registered node a `<type>Tool` name is synthesized from, if it can be a tool. */
	private toolBase(name: string): INodeType | IVersionedNodeType | undefined {
		if (!name.endsWith(TOOL_SUFFIX)) return undefined;
		const base = this.types.get(name.slice(0, -TOOL_SUFFIX.length));
		if (!base) return undefined;
		const latest = NodeHelpers.getVersionedNodeType(base);
		return canBeTool(latest) ? base : undefined;
	}

	private unknown(name: string): Error {
		const { unavailablePackage } = this;
		if (unavailablePackage && name.startsWith(unavailablePackage.prefix))
			return unavailablePackage.error;
		return new Error(
			`Unknown node type "${name}" in the test harness (registered: ${[...this.types.keys()].join(', ')})`,
		);
	}
}

export interface HarnessTypes {
	nodeTypes: HarnessNodeTypes;
	credentialTypes: Map<string, ICredentialType>;
	/** Name of the package loaded from the repo root. */
	packageName: string;
}

let shared: Promise<HarnessTypes> | undefined;

async function build(): Promise<HarnessTypes> {
	const nodeTypes = new HarnessNodeTypes();
	const credentialTypes = new Map<string, ICredentialType>();
	for (const nodeType of [...standInNodeTypes, ...testNodeTypes]) {
		nodeTypes.register(nodeType.description.name, nodeType);
	}

	const { packageName, missing } = missingBuildOutput(REPO_ROOT);
	if (missing.length > 0) {
		// Workflows without the package's nodes still run; its nodes fail with a clear message.
		nodeTypes.unavailablePackage = {
			prefix: `${packageName}.`,
			error: new PackageNotBuiltError(packageName, missing),
		};
		return { nodeTypes, credentialTypes, packageName };
	}
	const loaded = await loadPackage(REPO_ROOT);
	// Like n8n's CLI, a `usableAsTool` node is also offered as `<name>Tool` (synthesized on first use).
	for (const [name, nodeType] of loaded.nodeTypes) nodeTypes.register(name, nodeType);
	for (const [name, credentialType] of loaded.credentialTypes)
		credentialTypes.set(name, credentialType);
	return { nodeTypes, credentialTypes, packageName: loaded.packageName };
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
