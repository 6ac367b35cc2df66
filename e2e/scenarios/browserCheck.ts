/**
 * A user in headless Chromium: log in, open the example, read the node's three output labels, click
 * "Execute workflow", read the node's action in the nodes panel, its option names and Email
 * placeholder; n8n's record of that execution (REST) must route every customer and match the item
 * counts on the canvas edges. Saves docs/example-workflow.png (GCORE_E2E_SCREENSHOT=none: the work folder).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { browserCheck as driveBrowser } from '../../harness/n8n/browser';
import { ensureChromium } from '../../harness/n8n/chromium';
import { assertBranches, assertSimulatorSaw, emails, once } from '../expect';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../../harness/names';
import { majorOf } from '../../harness/n8n/install';
import { nodeOutputs } from '../../harness/n8n/runData';
import { REPO } from '../../harness/ourPackage';
import { INPUT_NODE, loadExampleWorkflow, targetsOf } from '../../harness/workflows/workflowJson';
import type { Scenario } from '../scenario';

/** An id of its own: "Skip If Invited Within" remembers sends per workflow, and the CLI run e-mailed the same customers. */
const WORKFLOW_ID = 'gcoreIamBrowser1';

export const browserCheck: Scenario = {
	name: 'headless Chromium: three labelled outputs, execute, item counts as n8n recorded them, screenshot',
	mode: 'single',
	order: 50,
	phase: 'server',
	// The canvas selectors are n8n 2.x's; the node's behaviour on 1.x is covered by the CLI scenarios.
	runsOn: (version) => majorOf(version) >= 2,
	skipReason: () =>
		process.env.GCORE_E2E_SKIP_BROWSER === '1' ? 'GCORE_E2E_SKIP_BROWSER=1' : undefined,
	workflows: () => [loadExampleWorkflow(WORKFLOW_ID)],
	async run({ n8n, rest, sim, apiKey, owner, workFolder }) {
		const chromium = await ensureChromium();
		await sim.reset();
		const shot = path.join(workFolder, 'example-workflow.png');
		const targets = targetsOf(loadExampleWorkflow(), GCORE_NODE_NAME).map((t) => t[0]);
		const listed = () => rest.executions({ workflowId: WORKFLOW_ID });
		const before = new Set((await listed()).map((e) => e.id));
		const r = await driveBrowser({
			chromium,
			baseUrl: n8n.baseUrl,
			owner,
			workflowId: WORKFLOW_ID,
			nodeName: GCORE_NODE_NAME,
			expectRan: [GCORE_NODE_NAME, ...targets.filter((t): t is string => !!t)],
			screenshot: shot,
		});
		assert.deepEqual(r.outputLabels, OUTPUT_NAMES, 'output labels on the canvas');
		assert.deepEqual(
			r.words.actions,
			['Resend invitation'],
			"the node's actions in the nodes panel",
		);
		assert.deepEqual(
			r.words.optionNames,
			['Concurrency', 'Max Retries', 'Skip If Invited Within (Minutes)', 'Timeout'],
			'"Add option" list',
		);
		assert.equal(r.words.emailPlaceholder, 'e.g. nathan@example.com', 'Email placeholder');

		const mine = (await listed()).filter((e) => !before.has(e.id));
		assert.deepEqual(
			mine.map((e) => e.status),
			['success'],
			`executions n8n recorded for the browser's run: ${JSON.stringify(mine)}`,
		);
		const { run } = await rest.execution(mine[0].id);
		const inputs = nodeOutputs(run, INPUT_NODE)[0] ?? [];
		assertBranches(run, inputs, new Set());
		nodeOutputs(run, GCORE_NODE_NAME)
			.slice(0, 3)
			.forEach((out, k) =>
				assert.equal(
					r.edgeCounts[`${GCORE_NODE_NAME} → ${targets[k]}`],
					`${out.length} item${out.length === 1 ? '' : 's'}`,
					`item count on the "${OUTPUT_NAMES[k]}" edge`,
				),
			);
		await assertSimulatorSaw(sim, apiKey, once(emails(inputs)));

		const dest =
			process.env.GCORE_E2E_SCREENSHOT ?? path.join(REPO, 'docs', 'example-workflow.png');
		if (dest !== 'none') {
			fs.mkdirSync(path.dirname(dest), { recursive: true });
			fs.copyFileSync(shot, dest);
		}
		return `labels ${r.outputLabels.join(' / ')}; action "${r.words.actions.join(', ')}", placeholder "${r.words.emailPlaceholder}"; ${Object.values(r.edgeCounts).join(', ')}; execution ${mine[0].id} ${mine[0].status}; screenshot ${dest === 'none' ? shot : path.relative(process.cwd(), dest)}`;
	},
};
