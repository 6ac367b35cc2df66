/**
 * Loads the built package the way n8n loads a community package: n8n-core's
 * PackageDirectoryLoader reads the `n8n` attribute of the repo root's package.json and
 * instantiates every listed node and credential class from `dist/`.
 */
import './env';

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface LoadedPackage {
	packageName: string;
	/** Full node type name (`<package>.<node name>`) → node type instance. */
	nodeTypes: Map<string, INodeType | IVersionedNodeType>;
	/** Credential type name → credential type instance. */
	credentialTypes: Map<string, ICredentialType>;
	loader: PackageDirectoryLoader;
}

interface PackageJson {
	name: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

function readPackageJson(directory: string): PackageJson {
	return JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as PackageJson;
}

/** This repo's package name: node types are `<PACKAGE_NAME>.<node name>`. */
export const PACKAGE_NAME = readPackageJson(REPO_ROOT).name;

/** The package name and the dist files its package.json promises that are not there. */
export function missingBuildOutput(directory = REPO_ROOT): {
	packageName: string;
	missing: string[];
} {
	const pkg = readPackageJson(directory);
	const files = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	return {
		packageName: pkg.name,
		missing: files.filter((file) => !existsSync(path.join(directory, file))),
	};
}

export class PackageNotBuiltError extends Error {
	constructor(packageName: string, missing: string[]) {
		super(
			`${packageName} is not built: ${missing.join(', ')} missing. Run \`npm run build\` first ` +
				'(the test harness loads the compiled package from dist/ the way n8n does).',
		);
		this.name = 'PackageNotBuiltError';
	}
}

export async function loadPackage(directory = REPO_ROOT): Promise<LoadedPackage> {
	const { packageName, missing } = missingBuildOutput(directory);
	if (missing.length > 0) throw new PackageNotBuiltError(packageName, missing);

	const loader = new PackageDirectoryLoader(directory);
	await loader.loadAll();

	const nodeTypes = new Map<string, INodeType | IVersionedNodeType>();
	for (const [name, data] of Object.entries(loader.nodeTypes)) {
		nodeTypes.set(`${loader.packageName}.${name}`, data.type);
	}
	const credentialTypes = new Map<string, ICredentialType>();
	for (const [name, data] of Object.entries(loader.credentialTypes)) {
		credentialTypes.set(name, data.type);
	}
	return { packageName: loader.packageName, nodeTypes, credentialTypes, loader };
}
