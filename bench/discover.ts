/**
 * The bench's scenarios, found in scenarios/: every file there exports one or more scenarios
 * (scenario.ts), so a new scenario is one new file, no list to edit. Sorted by `reportOrder`.
 */
import * as path from 'node:path';

import { discoverExports } from '../harness/discover';
import type { GroupName, Scenario } from './scenario';

const DIR = path.join(__dirname, 'scenarios');

function isScenario(value: unknown): value is Scenario {
	if (typeof value !== 'object' || value === null) return false;
	const s = value as Partial<Record<keyof Scenario, unknown>>;
	return (
		typeof s.name === 'string' &&
		typeof s.reportOrder === 'number' &&
		typeof s.runs === 'object' &&
		typeof s.run === 'function' &&
		typeof s.section === 'function'
	);
}

export function discoverScenarios(): Scenario[] {
	return discoverExports(DIR, isScenario).sort((a, b) => a.reportOrder - b.reportOrder);
}

/** The scenarios of a group, in the order they run there. */
export function scenariosOf(all: Scenario[], group: GroupName): Scenario[] {
	return all
		.filter((scenario) => scenario.runs[group] !== undefined)
		.sort((a, b) => (a.runs[group] ?? 0) - (b.runs[group] ?? 0));
}
