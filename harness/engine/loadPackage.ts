/** Loads the built package as n8n loads a community package (n8n-core's PackageDirectoryLoader). */
import './env';

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface PackageJson {
	name: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

const readPackageJson = (directory: string): PackageJson =>
	JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as PackageJson;

/** This repo's package name: node types are `<PACKAGE_NAME>.<node name>`. */
export const PACKAGE_NAME = readPackageJson(REPO_ROOT).name;

export class PackageNotBuiltError extends Error {
	constructor(packageName: string, missing: string[]) {
		super(
			`${packageName} is not built: ${missing.join(', ')} missing. Run \`npm run build\` first ` +
				'(the test harness loads the compiled package from dist/ the way n8n does).',
		);
		this.name = 'PackageNotBuiltError';
	}
}

export async function loadPackage(directory = REPO_ROOT): Promise<{
	packageName: string;
	/** Full node type name (`<package>.<node name>`) → node type instance. */
	nodeTypes: Map<string, INodeType | IVersionedNodeType>;
	credentialTypes: Map<string, ICredentialType>;
}> {
	const { name, n8n } = readPackageJson(directory);
	const files = [...(n8n?.nodes ?? []), ...(n8n?.credentials ?? [])];
	const missing = files.filter((file) => !existsSync(path.join(directory, file)));
	if (missing.length > 0) throw new PackageNotBuiltError(name, missing);

	const loader = new PackageDirectoryLoader(directory);
	await loader.loadAll();
	const entries = <T>(types: Record<string, { type: T }>) =>
		Object.entries(types).map(([key, data]): [string, T] => [key, data.type]);
	return {
		packageName: loader.packageName,
		nodeTypes: new Map(
			entries(loader.nodeTypes).map(([key, type]) => [`${loader.packageName}.${key}`, type]),
		),
		credentialTypes: new Map(entries(loader.credentialTypes)),
	};
}
