/** A suite's scenarios: what each `*.ts` file of `dir` exports that `is` accepts (a new scenario is a new file). */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export function discoverExports<T>(dir: string, is: (value: unknown) => value is T): T[] {
	const load = createRequire(__filename);
	const found: T[] = [];
	for (const file of fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.ts'))
		.sort()) {
		const exported = Object.values(load(path.join(dir, file)) as Record<string, unknown>);
		const here = [...new Set(exported.filter(is))];
		if (!here.length)
			throw new Error(
				`${path.join(path.basename(path.dirname(dir)), path.basename(dir), file)} exports no scenario (every file there is one; shared helpers go beside that folder or to harness/)`,
			);
		found.push(...here);
	}
	return found;
}
