/** A tiny sequential runner: one line per check, and the summary "N passed, N failed". */
import * as assert from 'node:assert/strict';

const results: Array<'pass' | 'fail' | 'skip'> = [];

export async function check(name: string, fn: () => Promise<string | void> | string | void) {
	const t0 = Date.now();
	const took = () => `${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`;
	try {
		const note = await fn();
		results.push('pass');
		console.log(`ok   ${took()}${note ? ` — ${note}` : ''}`);
	} catch (e) {
		const error = e instanceof Error ? e : new Error(String(e));
		const detail = error instanceof assert.AssertionError ? error.message : String(error.stack);
		results.push('fail');
		console.log(`FAIL ${took()}\n${detail.replace(/^/gm, '     ')}`);
	}
}

export function notRun(name: string, why: string, status: 'fail' | 'skip' = 'fail'): void {
	results.push(status);
	console.log(`${status === 'skip' ? 'skip' : 'FAIL'} ${name} — ${why}`);
}

export function failures(): number {
	return results.filter((r) => r === 'fail').length;
}

export function summaryLine(extraFailures = 0): string {
	const count = (s: string) => results.filter((r) => r === s).length;
	const skipped = count('skip');
	return `${count('pass')} passed, ${count('fail') + extraFailures} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
