/** Measured tables in docs/: what a run wrote last between `<!-- <tag>:<id> -->` and `<!-- /<tag> -->`. */
import { readFileSync, writeFileSync } from 'node:fs';

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
