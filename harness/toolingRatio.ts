/** Issue 23's tooling ratio: non-blank lines of tracked code in the tooling folders ÷ the product's. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO } from './ourPackage';

export const PRODUCT_FOLDERS = ['nodes', 'credentials'];
const TOOLING_FOLDERS = ['test', 'e2e', 'bench', 'harness', 'simulator', 'scripts'];
export const BUDGET = 4;

export function toolingRatio() {
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
