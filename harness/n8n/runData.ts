/** n8n's run data (IRun) as `n8n execute --rawOutput` prints it and REST returns it, as far as the checks read it. */

export interface N8nItem {
	json: Record<string, unknown>;
	error?: unknown;
}

interface N8nTaskData {
	startTime?: number;
	executionTime?: number;
	error?: { message?: string };
	data?: { main?: Array<N8nItem[] | null> };
}

export interface N8nRun {
	data: { resultData: { runData: Record<string, N8nTaskData[]>; error?: { message?: string } } };
}

/** `--rawOutput` prints log lines, then the run as pretty JSON: a line `{` up to the line `}`. */
export function parseRawOutput(stdout: string): N8nRun | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.indexOf('}', start);
	try {
		const run = JSON.parse(lines.slice(start, end + 1).join('\n')) as Partial<N8nRun>;
		return start >= 0 && run.data ? (run as N8nRun) : undefined;
	} catch {
		return undefined;
	}
}

export function nodeOutputs(run: N8nRun, nodeName: string): N8nItem[][] {
	const tasks = run.data.resultData.runData[nodeName];
	if (!tasks?.length) return [];
	return (tasks[tasks.length - 1].data?.main ?? []).map((o) => o ?? []);
}
