/**
 * Measured tables in docs/ kept from drifting: between `<!-- <tag>:<id> -->` and `<!-- /<tag> -->`
 * stands what a run wrote there last (the benchmark: docs/performance.md; the queue-mode e2e:
 * docs/scaling.md). Everything outside the markers is left as it is.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces the body of each `tag` block of `file` for which `bodyOf(id)` gives one; returns the ids written. */
export function writeDocsBlocks(
	file: string,
	tag: string,
	bodyOf: (id: string) => string | undefined,
): string[] {
	const block = new RegExp(`(<!-- ${tag}:(\\w+) -->\\n)[\\s\\S]*?(<!-- \\/${tag} -->)`, 'g');
	const written: string[] = [];
	const text = readFileSync(file, 'utf8');
	const updated = text.replace(block, (whole: string, open: string, id: string, close: string) => {
		const body = bodyOf(id);
		if (body === undefined) return whole;
		written.push(id);
		return `${open}${body}\n${close}`;
	});
	if (updated !== text) writeFileSync(file, updated);
	return written;
}
