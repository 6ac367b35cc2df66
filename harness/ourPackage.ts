/** Our package as a user's n8n gets it: built, `npm pack`, installed into ~/.n8n/nodes. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { say } from './log';

export const REPO = path.resolve(__dirname, '..');
export const PACKAGE_NAME = 'n8n-nodes-gcore-iam';
export const NODE_TYPE = `${PACKAGE_NAME}.gcoreIam`;
export const CREDENTIAL_TYPE = 'gcoreIamApi';

function npm(args: string[], cwd: string): string {
	const r = spawnSync('npm', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
	if (r.status !== 0)
		throw new Error(
			`npm ${args.join(' ')} (in ${cwd}) failed: ${r.signal ?? `exit ${r.status}`}\n${r.stdout}\n${r.stderr}`,
		);
	return r.stdout;
}

export function packPackage(outDir: string): string {
	const info = JSON.parse(npm(['pack', '--json', '--pack-destination', outDir], REPO)) as Array<{
		filename: string;
		files: unknown[];
	}>;
	const tgz = path.join(outDir, path.basename(info[0].filename));
	say(`packed ${path.basename(tgz)} (${info[0].files.length} files)`);
	return tgz;
}

export function buildAndPack(outDir: string): string {
	const t0 = Date.now();
	say('building the package (npm run build) ...');
	npm(['run', 'build', '--silent'], REPO);
	const tgz = packPackage(outDir);
	say(`built and packed in ${Math.round((Date.now() - t0) / 1000)} s`);
	return tgz;
}

/** `npm install <tarball>` in ~/.n8n/nodes, as the README's manual install (n8n's GUI installer: same layout). */
export function installPackage(userFolder: string, tgz: string): string {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest))
		fs.writeFileSync(
			manifest,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }),
		);
	const t0 = Date.now();
	// the switches n8n's own community package installer uses
	const flags =
		'--prefer-offline --audit=false --fund=false --bin-links=false --ignore-scripts=true';
	npm(['install', tgz, ...flags.split(' '), '--loglevel=error'], nodesDir);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	if (!fs.existsSync(path.join(installed, 'package.json')))
		throw new Error(`${installed} missing after npm install`);
	say(`installed ${PACKAGE_NAME} into ${nodesDir} (${Math.round((Date.now() - t0) / 1000)} s)`);
	return installed;
}
