// `npm run demo`: the example workflow (examples/) through the n8n engine against the simulator with
// sample customers; prints which customer went down which branch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT, runWorkflow, type WorkflowDefinition } from '../harness/engine';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../harness/names';
import { DEFAULT_API_KEY, SAMPLE_CUSTOMERS, startSimulator } from '../simulator';

async function main(): Promise<void> {
	const simulator = await startSimulator({ users: SAMPLE_CUSTOMERS, latencyMs: 30 });
	try {
		const example = join(REPO_ROOT, 'examples', 'gcore-iam-onboarding.workflow.json');
		const workflow = JSON.parse(readFileSync(example, 'utf8')) as WorkflowDefinition;
		const running = `running "${workflow.name}" through the n8n engine`;
		console.log(`Gcore IAM simulator on ${simulator.url}; ${running}\n`);
		const result = await runWorkflow(workflow, {
			credentials: { gcoreIamApi: { apiKey: DEFAULT_API_KEY, baseUrl: simulator.url } },
		});
		if (result.error) throw new Error(`The workflow failed: ${result.error.message}`);
		const next = workflow.connections[GCORE_NODE_NAME].main;
		OUTPUT_NAMES.forEach((outcome, output) => {
			const items = result.outputs(GCORE_NODE_NAME)[output] ?? [];
			console.log(`${outcome} → ${next[output]?.[0]?.node ?? '(not connected)'} (${items.length})`);
			for (const { json } of items) {
				const i = json.invitation as { statusCode?: number; message?: string } | undefined;
				const detail = i?.message ? `${i.statusCode}: ${i.message}` : `${i?.statusCode}`;
				console.log(`  ${String(json.name).padEnd(14)} ${String(json.email).padEnd(40)} ${detail}`);
			}
		});
		const { requests, sentByEmail } = simulator.stats();
		const sent = `${Object.keys(sentByEmail).length} invitations e-mailed`;
		console.log(`\n${requests} requests to POST /iam/auth/renew_invitation, ${sent}.`);
	} finally {
		await simulator.close();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
