/** A tiny sequential runner: one line per check, and the summary "N passed, N failed". */
import * as assert from 'node:assert/strict';

interface Result {
	name: string;
	status: 'pass' | 'fail' | 'skip';
	ms: number;
}

const results: Result[] = [];

function indent(s: string): string {
	return s
		.split('\n')
		.map((l) => `     ${l}`)
		.join('\n');
}

/** Runs one check; its note (if any) goes on the line. Returns whether it passed. */
export async function check(
	name: string,
	fn: () => Promise<string | void> | string | void,
): Promise<boolean> {
	const t0 = Date.now();
	try {
		const note = await fn();
		const ms = Date.now() - t0;
		results.push({ name, status: 'pass', ms });
		console.log(`ok   ${name} (${(ms / 1000).toFixed(1)} s)${note ? ` — ${note}` : ''}`);
		return true;
	} catch (e) {
		const ms = Date.now() - t0;
		const detail =
			e instanceof Error
				? e instanceof assert.AssertionError
					? e.message
					: (e.stack ?? e.message)
				: String(e);
		results.push({ name, status: 'fail', ms });
		console.log(`FAIL ${name} (${(ms / 1000).toFixed(1)} s)\n${indent(detail)}`);
		return false;
	}
}

/** A check that could not run: a failure (its set-up failed) or a deliberate skip. */
export function notRun(name: string, why: string, status: 'fail' | 'skip' = 'fail'): void {
	results.push({ name, status, ms: 0 });
	console.log(`${status === 'skip' ? 'skip' : 'FAIL'} ${name} — ${why}`);
}

export function tally(): { passed: number; failed: number; skipped: number } {
	const count = (s: Result['status']) => results.filter((r) => r.status === s).length;
	return { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

export function summaryLine(extraFailures = 0): string {
	const { passed, failed, skipped } = tally();
	return `${passed} passed, ${failed + extraFailures} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
