/** `npm run ratio`: one line per folder and the total; exits 0 over budget too: it reports, it does not judge. */
import { BUDGET, PRODUCT_FOLDERS, toolingRatio } from '../harness/toolingRatio';

const { product, tooling, ratio, byFolder } = toolingRatio();
const width = Math.max(...Object.keys(byFolder).map((folder) => folder.length));
const kind = (folder: string) => (PRODUCT_FOLDERS.includes(folder) ? 'product' : 'tooling');
for (const [folder, lines] of Object.entries(byFolder))
	console.log(`${kind(folder)}  ${folder.padEnd(width)}  ${lines}`);
const budget = BUDGET.toFixed(1);
console.log(`product ${product}, tooling ${tooling}, ratio ${ratio.toFixed(2)} (budget ${budget})`);
