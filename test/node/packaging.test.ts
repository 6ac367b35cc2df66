import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { loadPackage, REPO_ROOT } from '../../harness/engine';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

describe('the published package', () => {
	test('ships only dist, README, LICENSE and package.json, with every file package.json points at', () => {
		const [pack] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: REPO_ROOT,
				encoding: 'utf8',
			}),
		) as Array<{ files: Array<{ path: string }> }>;
		const shipped = pack.files.map((file) => file.path);
		const outside = shipped.filter((path) => !path.startsWith('dist/'));
		expect(outside.sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
		// main, n8n.nodes and n8n.credentials, and the icons.
		const named: string[] = [
			...(pkg.main ? [pkg.main] : []),
			...pkg.n8n.nodes,
			...pkg.n8n.credentials,
		];
		expect(named.length).toBeGreaterThan(0);
		expect(shipped).toEqual(
			expect.arrayContaining([
				...named.map((file) => file.replace(/^\.\//, '')),
				'dist/nodes/GcoreIam/GcoreIam.node.js',
				'dist/nodes/GcoreIam/GcoreIam.node.json',
				'dist/credentials/GcoreIamApi.credentials.js',
				'dist/icons/gcore.svg',
				'dist/icons/gcore.dark.svg',
			]),
		);
	});

	test('has no runtime dependencies and n8n-workflow as its only peer', () => {
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	test('every `file:` icon of the node and the credential exists next to the compiled code', async () => {
		const node = join(REPO_ROOT, 'dist/nodes/GcoreIam/GcoreIam.node.js');
		const credential = join(REPO_ROOT, 'dist/credentials/GcoreIamApi.credentials.js');
		// Fresh instances: n8n's loader rewrites the icon paths of the ones it loaded.
		const icons = [
			{ sourcePath: node, icon: new (await import(node)).GcoreIam().description.icon },
			{ sourcePath: credential, icon: new (await import(credential)).GcoreIamApi().icon },
		];
		for (const { sourcePath, icon } of icons) {
			for (const file of [icon.light, icon.dark]) {
				expect(file).toMatch(/^file:.+\.svg$/);
				expect(existsSync(join(sourcePath, '..', String(file).slice(5)))).toBe(true);
			}
		}
	});

	test('the node has three outputs named Success, Already Activated, Not Found and is usable as a tool', async () => {
		const { nodeTypes } = await loadPackage();
		const { description } = nodeTypes.get('n8n-nodes-gcore-iam.gcoreIam') as INodeType;
		expect(description.outputs).toEqual(['main', 'main', 'main']);
		expect(description.outputNames).toEqual(['Success', 'Already Activated', 'Not Found']);
		expect(description.usableAsTool).toBe(true);
	});
});
