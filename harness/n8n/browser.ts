/** The editor in headless Chromium (playwright-core): log in, open a workflow, read our node's words, run it, photograph it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, selectors, type Page } from 'playwright-core';

import type { Owner } from './owner';

selectors.setTestIdAttribute('data-test-id');

export async function browserCheck(opts: {
	chromium: string;
	baseUrl: string;
	owner: Owner;
	workflowId: string;
	nodeName: string;
	/** nodes that must show a success mark after the run */
	expectRan: string[];
	screenshot: string;
}) {
	const t0 = Date.now();
	const browser = await chromium.launch({
		executablePath: opts.chromium,
		args: ['--disable-gpu'],
		timeout: 60_000,
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
		page.setDefaultTimeout(30_000);
		await page.goto(`${opts.baseUrl}/signin`);
		await page.locator('#emailOrLdapLoginId').fill(opts.owner.email);
		await page.locator('#password').fill(opts.owner.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });
		await page.goto(`${opts.baseUrl}/workflow/${opts.workflowId}`);
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${opts.nodeName}"]`);
		await node.waitFor({ state: 'visible' });

		// The element's text is the full label (the canvas cuts long ones visually).
		const handles = node.locator(
			'[data-test-id="canvas-node-output-handle"][data-connection-type="main"]',
		);
		const outputLabels = (await handles.allInnerTexts()).map((t) => t.trim());

		await page.getByTestId('execute-workflow-button').click();
		for (const name of opts.expectRan) {
			await page
				.locator(
					`[data-test-id="canvas-node"][data-node-name="${name}"] [data-test-id="canvas-node-status-success"]`,
				)
				.waitFor({ state: 'visible', timeout: 60_000 });
		}
		// Close the toast (it covers the canvas), let the edge labels settle, move the pointer away.
		const toasts = page.locator('.el-notification');
		await toasts
			.first()
			.waitFor({ state: 'visible', timeout: 5000 })
			.catch(() => undefined);
		for (const close of await toasts.locator('.el-notification__closeBtn').all())
			await close.click().catch(() => undefined);
		await toasts
			.first()
			.waitFor({ state: 'hidden', timeout: 10_000 })
			.catch(() => undefined);
		await page.mouse.move(5, 795);
		await page.waitForTimeout(1500);

		const edgeCounts: Record<string, string> = {};
		const labels = page.getByTestId('edge-label');
		for (let i = 0; i < (await labels.count()); i++) {
			const label = labels.nth(i);
			const from = await label.getAttribute('data-source-node-name');
			const to = await label.getAttribute('data-target-node-name');
			edgeCounts[`${from} → ${to}`] = (await label.innerText()).trim();
		}

		fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
		await page.screenshot({ path: opts.screenshot });
		const words = await readEditorWords(page, opts.nodeName);
		return { outputLabels, words, edgeCounts, screenshot: opts.screenshot, ms: Date.now() - t0 };
	} finally {
		await browser.close();
	}
}

/** The nodes panel's actions, the "Add option" list, the Email placeholder in Fixed mode (switched, unsaved). */
async function readEditorWords(page: Page, nodeName: string) {
	await page.getByTestId('node-creator-plus-button').click();
	const creator = page.getByTestId('node-creator');
	await creator
		.locator(
			'input[data-test-id="node-creator-search-bar"], [data-test-id="node-creator-search-bar"] input',
		)
		.first()
		.fill(nodeName);
	await creator.getByTestId('node-creator-node-item').filter({ hasText: nodeName }).first().click();
	const actionNames = creator.getByTestId('node-creator-item-name');
	await actionNames.first().waitFor({ state: 'visible' });
	// The search results slide out as the actions slide in: read once the node's own entry is gone.
	let actions: string[] = [];
	for (const until = Date.now() + 10_000; ; await page.waitForTimeout(200)) {
		actions = (await actionNames.allInnerTexts()).map((t) => t.trim());
		if ((actions.length > 0 && !actions.includes(nodeName)) || Date.now() > until) break;
	}
	await page.keyboard.press('Escape');
	await creator.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);

	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor({ state: 'visible' });
	await ndv.getByTestId('collection-parameter-add').click();
	const optionItems = page.locator('.el-select-dropdown__item:visible');
	await optionItems.first().waitFor({ state: 'visible' });
	const optionNames = (await optionItems.allInnerTexts()).map((t) => t.trim());
	await page.keyboard.press('Escape');

	await ndv.getByTestId('parameter-input-email').hover();
	await ndv
		.getByTestId('email-parameter-input-options-container')
		.getByTestId('radio-button-fixed')
		.click({ force: true });
	const emailInput = ndv
		.locator(
			'[data-test-id="parameter-input-email"] input, [data-test-id="parameter-input-email"] textarea',
		)
		.first();
	await emailInput.waitFor({ state: 'attached' });
	const emailPlaceholder = await emailInput.getAttribute('placeholder');
	await ndv.getByTestId('ndv-close-button').click();
	return { actions, optionNames, emailPlaceholder };
}
