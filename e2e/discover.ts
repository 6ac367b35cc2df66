/**
 * The scenarios, found in scenarios/: every file there exports one or more `Scenario` values (a
 * new scenario is one new file, no list to edit). Sorted by `order`, then file name, then the
 * order of the file's exports.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import type { Scenario } from './scenario';

const DIR = path.join(__dirname, 'scenarios');

function isScenario(value: unknown): value is Scenario {
	if (typeof value !== 'object' || value === null) return false;
	const s = value as Partial<Record<keyof Scenario, unknown>>;
	return (
		typeof s.name === 'string' &&
		(s.mode === 'single' || s.mode === 'queue') &&
		typeof s.order === 'number' &&
		typeof s.run === 'function'
	);
}

export function discoverScenarios(): Scenario[] {
	const load = createRequire(__filename);
	const found: Scenario[] = [];
	for (const file of fs
		.readdirSync(DIR)
		.filter((f) => f.endsWith('.ts'))
		.sort()) {
		const exported = Object.values(load(path.join(DIR, file)) as Record<string, unknown>);
		const here = [...new Set(exported.filter(isScenario))];
		if (!here.length)
			throw new Error(
				`e2e/scenarios/${file} exports no scenario (every file there is one; shared helpers go to e2e/ or harness/)`,
			);
		found.push(...here);
	}
	// Array.prototype.sort is stable: equal orders keep file and export order.
	return found.sort((a, b) => a.order - b.order);
}
