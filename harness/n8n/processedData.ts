/** n8n's deduplication records (table processed_data), read-only from the SQLite database of a running n8n. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import type { N8nInstance } from './instance';

const SCRIPT = `
const sqlite3 = require('node:module').createRequire(process.argv[1])('sqlite3');
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY);
db.all('SELECT context, value FROM processed_data WHERE workflowId = ?', [process.argv[3]], (err, rows) => {
	if (err) { console.error(err.message); process.exit(1); }
	console.log(JSON.stringify(rows));
	db.close();
});`;

export function processedData(n8n: N8nInstance, workflowId: string) {
	const file = path.join(n8n.userFolder, '.n8n', 'database.sqlite');
	const out = execFileSync(n8n.real.nodeExe, ['-e', SCRIPT, n8n.real.n8nBin, file, workflowId], {
		encoding: 'utf8',
		timeout: 60_000,
	});
	return (JSON.parse(out) as Array<{ context: string; value: string }>).map((r) => ({
		context: r.context,
		value: JSON.parse(r.value) as { mode?: string; data?: unknown },
	}));
}
