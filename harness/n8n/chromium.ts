import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureDebianPackages } from '../services/apt';

const CHROMIUM = process.env.GCORE_E2E_CHROMIUM ?? '/usr/bin/chromium';

export async function ensureChromium(): Promise<string> {
	const logFile = path.join(os.tmpdir(), 'n8n-nodes-gcore-iam-chromium-apt.log');
	await ensureDebianPackages(
		['chromium', 'fonts-liberation'],
		() => fs.existsSync(CHROMIUM),
		logFile,
	);
	return CHROMIUM;
}
