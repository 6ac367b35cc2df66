/**
 * The scenarios, found in scenarios/: every file there exports one or more `Scenario` values (a
 * new scenario is one new file, no list to edit). Sorted by `order`, then file name, then the
 * order of the file's exports.
 */
import * as path from 'node:path';

import { discoverExports } from '../harness/discover';
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
	// Array.prototype.sort is stable: equal orders keep file and export order.
	return discoverExports(DIR, isScenario).sort((a, b) => a.order - b.order);
}
