// A user in headless Chromium sees the node in the editor and runs the example (README.md); saves
// docs/example-workflow.png (GCORE_E2E_SCREENSHOT=none: the work folder).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { browserCheck as driveBrowser } from '../../harness/n8n/browser';
import { ensureChromium } from '../../harness/n8n/chromium';
import * as expect from '../expect';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../../harness/names';
import { majorOf } from '../../harness/n8n/install';
import { nodeOutputs } from '../../harness/n8n/runData';
import { REPO } from '../../harness/ourPackage';
import { INPUT_NODE, loadExampleWorkflow, targetsOf } from '../../harness/workflows/workflowJson';
import type { Scenario } from '../scenario';

/** An id of its own: "Skip If Invited Within" remembers sends per workflow, and the CLI run e-mailed the same customers. */
const WORKFLOW_ID = 'gcoreIamBrowser1';
/** What the editor shows of the node. */
const SHOWN = {
	outputLabels: OUTPUT_NAMES,
	actions: ['Resend invitation'],
	optionNames: ['Concurrency', 'Max Retries', 'Skip If Invited Within (Minutes)', 'Timeout'],
	emailPlaceholder: 'e.g. nathan@example.com',
};
const TARGETS = targetsOf(loadExampleWorkflow(), GCORE_NODE_NAME).map((t) => t[0]);

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
		await sim.reset();
		const screenshot = path.join(workFolder, 'example-workflow.png');
		const listed = () => rest.executions({ workflowId: WORKFLOW_ID });
		const before = new Set((await listed()).map((e) => e.id));
		const r = await driveBrowser({
			chromium: await ensureChromium(),
			baseUrl: n8n.baseUrl,
			owner,
			workflowId: WORKFLOW_ID,
			nodeName: GCORE_NODE_NAME,
			expectRan: [GCORE_NODE_NAME, ...TARGETS.filter((t): t is string => !!t)],
			screenshot,
		});
		assert.deepEqual({ outputLabels: r.outputLabels, ...r.words }, SHOWN, 'the node in the editor');

		const mine = (await listed()).filter((e) => !before.has(e.id));
		const recorded = `executions n8n recorded for the browser's run: ${JSON.stringify(mine)}`;
		assert.deepEqual(
			mine.map((e) => e.status),
			['success'],
			recorded,
		);
		const { run } = await rest.execution(mine[0].id);
		const inputs = nodeOutputs(run, INPUT_NODE)[0] ?? [];
		expect.assertBranches(run, inputs, new Set());
		const edges = nodeOutputs(run, GCORE_NODE_NAME)
			.slice(0, 3)
			.map((out, k) => [
				`${GCORE_NODE_NAME} → ${TARGETS[k]}`,
				`${out.length} item${out.length === 1 ? '' : 's'}`,
			]);
		const shown = edges.map(([edge]) => [edge, r.edgeCounts[edge]]);
		assert.deepEqual(shown, edges, 'item counts on the edges from the node');
		await expect.assertSimulatorSaw(sim, apiKey, expect.once(expect.emails(inputs)));

		const dest =
			process.env.GCORE_E2E_SCREENSHOT ?? path.join(REPO, 'docs', 'example-workflow.png');
		if (dest !== 'none') {
			fs.mkdirSync(path.dirname(dest), { recursive: true });
			fs.copyFileSync(screenshot, dest);
		}
		return `${Object.values(SHOWN).flat().join(', ')}; ${Object.values(r.edgeCounts).join(', ')}; execution ${mine[0].id}; screenshot ${dest === 'none' ? screenshot : path.relative(process.cwd(), dest)}`;
	},
};
