/**
 * The tooling ratio of issue 23: non-blank lines of the .ts/.js/.mjs/.cjs/.py files git tracks
 * under the tooling folders, divided by those under the product folders.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO } from './ourPackage';

export const PRODUCT_FOLDERS = ['nodes', 'credentials'];
export const TOOLING_FOLDERS = ['test', 'e2e', 'bench', 'harness', 'simulator', 'scripts'];
/** The budget: tooling lines at most this many times the product's. */
export const BUDGET = 4;

export interface ToolingRatio {
	product: number;
	tooling: number;
	ratio: number;
	/** Non-blank lines per folder, product and tooling folders alike. */
	byFolder: Record<string, number>;
}

export function toolingRatio(): ToolingRatio {
	const byFolder: Record<string, number> = {};
	for (const folder of [...PRODUCT_FOLDERS, ...TOOLING_FOLDERS]) {
		const listed = spawnSync('git', ['ls-files', '-z', '--', folder], {
			cwd: REPO,
			encoding: 'utf8',
		});
		if (listed.status !== 0) throw new Error(`git ls-files ${folder} failed: ${listed.stderr}`);
		byFolder[folder] = listed.stdout
			.split('\0')
			.filter((file) => /\.(ts|js|mjs|cjs|py)$/.test(file) && existsSync(path.join(REPO, file)))
			.map((file) => readFileSync(path.join(REPO, file), 'utf8').split('\n'))
			.reduce((sum, lines) => sum + lines.filter((line) => line.trim() !== '').length, 0);
	}
	const total = (folders: string[]) => folders.reduce((sum, folder) => sum + byFolder[folder], 0);
	const product = total(PRODUCT_FOLDERS);
	const tooling = total(TOOLING_FOLDERS);
	return { product, tooling, ratio: product === 0 ? 0 : tooling / product, byFolder };
}
