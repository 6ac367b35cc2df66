/** What the queue-mode scenarios measured: one Markdown table at the end of the run (docs/scaling.md's come from it). */
const rows: string[][] = [];

export function measured(scenario: string, values: Record<string, string | number>): void {
	for (const [what, value] of Object.entries(values))
		rows.push([rows.at(-1)?.[3] === scenario ? '' : scenario, what, String(value), scenario]);
}

export function measuredTable(): string {
	const lines = rows.map((r) => `| ${r.slice(0, 3).join(' | ')} |`);
	return ['| Scenario | Measured | Value |', '| --- | --- | --- |', ...lines].join('\n');
}
