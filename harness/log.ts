/** Progress on stderr (stdout carries the check lines). */
import * as fs from 'node:fs';

export function say(msg: string): void {
	process.stderr.write(`[e2e] ${msg}\n`);
}

export function lastLines(text: string, n: number): string {
	return text.split('\n').slice(-n).join('\n');
}

export function tail(file: string, lines: number): string {
	try {
		return lastLines(fs.readFileSync(file, 'utf8'), lines);
	} catch {
		return '(no log)';
	}
}
