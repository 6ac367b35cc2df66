/** What the queue-mode scenarios measured, printed as one Markdown table at the end of the run (docs/scaling.md's tables come from it). */
const rows: Array<[string, string, string]> = [];

export function measured(scenario: string, what: string, value: string | number): void {
	rows.push([scenario, what, String(value)]);
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
