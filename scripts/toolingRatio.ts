/**
 * `npm run ratio`: the tooling ratio of issue 23. Non-blank lines (lines that are not only
 * whitespace) of the .ts/.js/.mjs/.cjs/.py files git tracks under the tooling folders, divided by
 * those under the product folders. Prints one line per folder and the total; always exits 0 (it
 * reports, it does not judge). `toolingRatio()` gives the same figures to other tools.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const PRODUCT = ['nodes', 'credentials'];
const TOOLING = ['test', 'e2e', 'bench', 'harness', 'simulator', 'scripts'];
const CODE = /\.(ts|js|mjs|cjs|py)$/;
/** The budget: tooling lines at most this many times the product's. */
export const BUDGET = 4;

export interface ToolingRatio {
	product: number;
	tooling: number;
	ratio: number;
	/** Non-blank lines per folder, product and tooling folders alike. */
	byFolder: Record<string, number>;
}

/** The code files git tracks under `folder` that are in the working tree. */
function trackedCode(folder: string): string[] {
	const listed = spawnSync('git', ['ls-files', '-z', '--', folder], {
		cwd: REPO,
		encoding: 'utf8',
	});
	if (listed.status !== 0) throw new Error(`git ls-files ${folder} failed: ${listed.stderr}`);
	return listed.stdout
		.split('\0')
		.filter((file) => CODE.test(file) && existsSync(path.join(REPO, file)));
}

function nonBlankLines(file: string): number {
	return readFileSync(path.join(REPO, file), 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '').length;
}

export function toolingRatio(): ToolingRatio {
	const byFolder: Record<string, number> = {};
	for (const folder of [...PRODUCT, ...TOOLING])
		byFolder[folder] = trackedCode(folder).reduce((sum, file) => sum + nonBlankLines(file), 0);
	const total = (folders: string[]) => folders.reduce((sum, folder) => sum + byFolder[folder], 0);
	const product = total(PRODUCT);
	const tooling = total(TOOLING);
	return { product, tooling, ratio: product === 0 ? 0 : tooling / product, byFolder };
}

function print(): void {
	const { product, tooling, ratio, byFolder } = toolingRatio();
	const width = Math.max(...Object.keys(byFolder).map((folder) => folder.length));
	for (const folder of [...PRODUCT, ...TOOLING])
		console.log(
			`${PRODUCT.includes(folder) ? 'product' : 'tooling'}  ${folder.padEnd(width)}  ${byFolder[folder]}`,
		);
	console.log(
		`product ${product}, tooling ${tooling}, ratio ${ratio.toFixed(2)} (budget ${BUDGET.toFixed(1)})`,
	);
}

if (require.main === module) {
	try {
		print();
	} catch (error) {
		// A report, never a gate: say what went wrong and still exit 0.
		console.error(`tooling ratio not measured: ${(error as Error).message}`);
	}
}
