/** What the queue-mode scenarios measured, printed as one Markdown table at the end of the run (docs/scaling.md's tables come from it). */
const rows: Array<[string, string, string]> = [];

/** Rows of the table, in order: what was measured → its value. */
export function measured(scenario: string, values: Record<string, string | number>): void {
	for (const [what, value] of Object.entries(values)) rows.push([scenario, what, String(value)]);
}

export function measuredTable(): string {
	const lines = ['| Scenario | Measured | Value |', '| --- | --- | --- |'];
	let previous = '';
	for (const [scenario, what, value] of rows) {
		lines.push(`| ${scenario === previous ? '' : scenario} | ${what} | ${value} |`);
		previous = scenario;
	}
	return lines.join('\n');
}
