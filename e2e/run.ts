/**
 * npm run test:e2e: the package in the REAL n8n 2.41.1 (Node 24), installed the way users install it.
 *
 *  1. Node 24 + n8n 2.41.1 from the npm registry, cached outside the repo (see realN8n.ts).
 *  2. npm run build, npm pack, `npm install <tarball>` in $N8N_USER_FOLDER/.n8n/nodes.
 *  3. The Gcore IAM simulator as a separate process; `n8n import:credentials` / `import:workflow`.
 *  4. `n8n execute --rawOutput`: the example workflow (every customer on its branch, the header the
 *     simulator saw), the "Continue (using error output)" variant, the default "stop" variant.
 *  5. `n8n start` with the owner set up from env: n8n's own credential test over REST (good key, wrong key).
 *  6. Headless Chromium: log in, open the example, read the three output labels, execute, screenshot
 *     to docs/example-workflow.png.
 *
 * Prints one line per check and finally "N passed, N failed"; exits 1 on any failure (after printing
 * the n8n log tail). Everything it started is stopped, also on failure and Ctrl-C.
 *
 * Environment: GCORE_E2E_CACHE (cache folder), GCORE_E2E_SCREENSHOT (where the screenshot goes;
 * "none" keeps it in the work folder only), GCORE_E2E_SKIP_BROWSER=1 (skip step 6, reported as
 * skipped), GCORE_E2E_KEEP=1 (keep the work folder), GCORE_E2E_TIMEOUT_MIN (default 45).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { browserCheck } from './browser';
import { ensureChromium } from './chromium';
import {
	buildAndPack,
	cleanupAll,
	credentialJson,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	CREDENTIAL_TYPE,
	DEMO_OWNER,
	EXAMPLE_WORKFLOW_ID,
	freePort,
	installPackage,
	installSignalHandlers,
	lastLines,
	loadExampleWorkflow,
	mkTemp,
	N8n,
	NODE_TYPE,
	nodeOutputs,
	REPO,
	say,
	startSimulator,
	type CliResult,
	type N8nItem,
	type N8nRun,
	type SimulatorProcess,
	type WorkflowJson,
} from './harness';
import { ensureRealN8n, tail } from './realN8n';

const OUTPUT_NAMES = ['Success', 'Already Activated', 'Not Found'];
const OUTCOMES = ['sent', 'alreadyActivated', 'notFound'];
const GCORE_NODE = 'Gcore IAM';
const ERROR_NODE = 'Failed: fix in CRM';
const TYPO_ADDRESS = 'not-an-email-address';
const VALIDATION_MESSAGE = 'Enter a valid email address.';

// ------------------------------------------------------------------------------------------------
// A tiny sequential runner with an unambiguous summary line.

interface Result {
	name: string;
	status: 'pass' | 'fail' | 'skip';
	ms: number;
	detail?: string;
}
const results: Result[] = [];

async function check(name: string, fn: () => Promise<string | void> | string | void): Promise<boolean> {
	const t0 = Date.now();
	try {
		const note = await fn();
		const ms = Date.now() - t0;
		results.push({ name, status: 'pass', ms });
		console.log(`ok   ${name} (${(ms / 1000).toFixed(1)} s)${note ? ` — ${note}` : ''}`);
		return true;
	} catch (e) {
		const ms = Date.now() - t0;
		const detail = e instanceof Error ? (e instanceof assert.AssertionError ? e.message : (e.stack ?? e.message)) : String(e);
		results.push({ name, status: 'fail', ms, detail });
		console.log(`FAIL ${name} (${(ms / 1000).toFixed(1)} s)\n${indent(detail)}`);
		return false;
	}
}

function notRun(name: string, why: string, status: 'fail' | 'skip' = 'fail'): void {
	results.push({ name, status, ms: 0, detail: why });
	console.log(`${status === 'skip' ? 'skip' : 'FAIL'} ${name} — ${why}`);
}

function indent(s: string): string {
	return s
		.split('\n')
		.map((l) => `     ${l}`)
		.join('\n');
}

// ------------------------------------------------------------------------------------------------

interface Sample {
	email: string;
	status: 'invited' | 'active';
}
interface SimulatorModule {
	DEFAULT_API_KEY: string;
	SAMPLE_CUSTOMERS: Sample[];
	SAMPLE_UNKNOWN_EMAIL: string;
}

function emails(items: N8nItem[]): string[] {
	return items.map((i) => String(i.json.email));
}

/** Which output each address must come out on, from the simulator's seeded users. */
function expectedOutput(sim: SimulatorModule, email: string): number {
	const user = sim.SAMPLE_CUSTOMERS.find((u) => u.email.toLowerCase() === email.toLowerCase());
	if (!user) return 2;
	return user.status === 'invited' ? 0 : 1;
}

function describeRun(r: CliResult): string {
	return `n8n execute ended ${r.signal ?? `with exit ${r.code}`} after ${(r.ms / 1000).toFixed(1)} s:\n${lastLines(`${r.stdout}\n${r.stderr}`, 40)}`;
}

/** Runs the workflow; a run that crashed with SIGSEGV (a rare n8n crash seen here) is repeated once, never a wrong result. */
async function execute(n8n: N8n, sim: SimulatorProcess, workflowId: string, prepare: () => Promise<void>) {
	await sim.reset();
	await prepare();
	let attempt = await n8n.execute(workflowId);
	if (attempt.result.signal === 'SIGSEGV') {
		say(`n8n execute crashed with SIGSEGV (${attempt.result.ms} ms): resetting the simulator and retrying once`);
		await sim.reset();
		await prepare();
		attempt = await n8n.execute(workflowId);
	}
	return attempt;
}

function assertRoutedOk(run: N8nRun | undefined, r: CliResult): asserts run is N8nRun {
	assert.ok(run, `no run JSON in the output. ${describeRun(r)}`);
	assert.equal(r.code, 0, describeRun(r));
	assert.equal(run.data.resultData.error, undefined, `the run has an error: ${JSON.stringify(run.data.resultData.error)}`);
}

/** Every address on its expected output, in input order, with the input fields and invitation.outcome. */
function assertBranches(sim: SimulatorModule, run: N8nRun, inputs: N8nItem[], failing: Set<string>): string {
	const outs = nodeOutputs(run, GCORE_NODE);
	assert.ok(outs.length >= 3, `${GCORE_NODE} produced ${outs.length} outputs, expected 3 (${OUTPUT_NAMES.join(', ')})`);
	for (let k = 0; k < 3; k++) {
		const want = inputs.map((i) => String(i.json.email)).filter((e) => !failing.has(e) && expectedOutput(sim, e) === k);
		assert.deepEqual(emails(outs[k]), want, `output ${k} "${OUTPUT_NAMES[k]}"`);
		for (const item of outs[k]) {
			const input = inputs.find((i) => i.json.email === item.json.email)!;
			for (const [key, value] of Object.entries(input.json)) {
				assert.deepEqual(item.json[key], value, `"${OUTPUT_NAMES[k]}" item ${item.json.email} keeps input field ${key}`);
			}
			const inv = item.json.invitation as { outcome?: string; email?: string } | undefined;
			assert.equal(inv?.outcome, OUTCOMES[k], `${item.json.email}: invitation.outcome on "${OUTPUT_NAMES[k]}"`);
		}
	}
	return outs
		.slice(0, 3)
		.map((o, k) => `${OUTPUT_NAMES[k]}: ${o.length}`)
		.join(', ');
}

function assertNoKey(key: string, ...texts: string[]): void {
	for (const t of texts) assert.ok(!t.includes(key), 'the API key appears in n8n output');
}

async function assertSimulatorSaw(sim: SimulatorProcess, key: string, addresses: string[], notSent: string[] = []): Promise<string> {
	const stats = await sim.stats();
	const renew = stats.log.filter((l) => l.path === '/iam/auth/renew_invitation');
	assert.ok(renew.length > 0, 'the simulator received no renew_invitation request');
	for (const entry of renew) {
		assert.equal(entry.method, 'POST');
		assert.equal(entry.authorization, `apikey ${key}`, 'Authorization header the simulator received');
	}
	for (const a of addresses) assert.equal(stats.byEmail[a.toLowerCase()], 1, `requests for ${a} (exactly one: no duplicate e-mails)`);
	for (const a of notSent) assert.equal(stats.byEmail[a.toLowerCase()] ?? 0, 0, `requests for ${a} (must not be sent)`);
	return `${renew.length} requests, all with "Authorization: apikey <key>"`;
}

// ------------------------------------------------------------------------------------------------
// Workflow variants built from the example

/** Example + "On Error: Continue (using error output)" + a node on the Error output + a typo address added. */
function errorOutputVariant(): WorkflowJson {
	const wf = loadExampleWorkflow('gcoreIamErrOut01');
	wf.name = `${wf.name} (e2e: error output)`;
	const gcore = wf.nodes.find((n) => n.name === GCORE_NODE)!;
	gcore.onError = 'continueErrorOutput';
	const source = Object.entries(wf.connections).find(([, c]) => c.main.some((o) => o.some((t) => t.node === GCORE_NODE)))![0];
	const [x, y] = gcore.position;
	wf.nodes.push({
		id: 'e2e00000-0000-4000-8000-000000000001',
		name: 'Add a typo',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [x - 120, y + 200],
		parameters: {
			jsCode: `return [...$input.all(), { json: { name: 'Typo', company: 'Typo Ltd', email: '${TYPO_ADDRESS}' } }];`,
		},
	});
	wf.nodes.push({
		id: 'e2e00000-0000-4000-8000-000000000002',
		name: ERROR_NODE,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [x + 280, y + 320],
		parameters: {},
	});
	wf.connections[source].main = wf.connections[source].main.map((o) =>
		o.map((t) => (t.node === GCORE_NODE ? { ...t, node: 'Add a typo' } : t)),
	);
	wf.connections['Add a typo'] = { main: [[{ node: GCORE_NODE, type: 'main', index: 0 }]] };
	const outs = wf.connections[GCORE_NODE].main;
	while (outs.length < 3) outs.push([]);
	outs[3] = [{ node: ERROR_NODE, type: 'main', index: 0 }];
	return wf;
}

function stopOnErrorVariant(): WorkflowJson {
	const wf = loadExampleWorkflow('gcoreIamStopErr1');
	wf.name = `${wf.name} (e2e: stop on error)`;
	return wf;
}

// ------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
	installSignalHandlers();
	const timeoutMin = Number(process.env.GCORE_E2E_TIMEOUT_MIN ?? 45);
	const watchdog = setTimeout(() => {
		console.log(`FAIL e2e did not finish within ${timeoutMin} min: stopping everything`);
		void cleanupAll().finally(() => process.exit(1));
	}, timeoutMin * 60_000);
	watchdog.unref();

	const t0 = Date.now();
	const work = mkTemp('gcore-iam-e2e-');
	const userFolder = path.join(work, 'n8n-user');
	fs.mkdirSync(userFolder);
	const n8nLog = path.join(work, 'n8n.log');
	const simLog = path.join(work, 'simulator.log');
	say(`work folder ${work}`);
	const skipBrowser = process.env.GCORE_E2E_SKIP_BROWSER === '1';

	// --- set-up: the long parts run side by side -------------------------------------------------
	const realP = ensureRealN8n();
	const chromiumP = skipBrowser ? Promise.resolve('') : ensureChromium();
	realP.catch(() => undefined);
	chromiumP.catch(() => undefined);

	let tgz = '';
	const packed = await check('npm run build + npm pack + npm install <tarball> into ~/.n8n/nodes', () => {
		tgz = buildAndPack(work);
		const installed = installPackage(userFolder, tgz);
		const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { name: string; n8n?: { nodes?: string[] } };
		for (const file of pkg.n8n?.nodes ?? []) assert.ok(fs.existsSync(path.join(installed, file)), `${file} missing in the installed package`);
		return `${path.basename(tgz)} → ${path.relative(userFolder, installed)}`;
	});

	let real: Awaited<typeof realP> | undefined;
	await check('Node 24 and n8n 2.41.1 from the npm registry (cached)', async () => {
		real = await realP;
		return `n8n ${real.n8nVersion} on Node ${real.nodeVersion}, cache ${real.cacheDir}`;
	});

	const simMod = createRequire(__filename)(path.join(REPO, 'simulator', 'index')) as SimulatorModule;
	let sim: SimulatorProcess | undefined;
	await check('simulator started as a separate process', async () => {
		sim = await startSimulator(simLog);
		return sim.url;
	});

	if (!packed || !real || !sim) {
		for (const n of ['example workflow', 'error output variant', 'stop-on-error variant', 'credential test', 'browser']) notRun(n, 'set-up failed');
		return finish(t0, work, n8nLog, simLog, watchdog);
	}

	const n8n = new N8n(real, { userFolder, port: await freePort(), logFile: n8nLog, owner: DEMO_OWNER });
	const key = simMod.DEFAULT_API_KEY;
	const example = loadExampleWorkflow();
	const imported = await check('n8n import:credentials + import:workflow (example and two variants)', async () => {
		assert.ok(
			example.nodes.some((n) => n.type === NODE_TYPE),
			`the example has no ${NODE_TYPE} node`,
		);
		await n8n.importCredentials([credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, key, sim!.url)]);
		await n8n.importWorkflows([example, errorOutputVariant(), stopOnErrorVariant()]);
	});

	// --- n8n execute ------------------------------------------------------------------------------
	let counts: number[] = [];
	if (!imported) notRun('example workflow', 'import failed');
	else {
		await check('example workflow: each customer on its branch (n8n execute)', async () => {
			const { run, result } = await execute(n8n, sim!, EXAMPLE_WORKFLOW_ID, async () => undefined);
			assertRoutedOk(run, result);
			const inputs = nodeOutputs(run, 'New CRM customers')[0] ?? [];
			const inputEmails = emails(inputs);
			for (const c of simMod.SAMPLE_CUSTOMERS) assert.ok(inputEmails.includes(c.email), `the example does not send sample customer ${c.email}`);
			assert.ok(inputEmails.includes(simMod.SAMPLE_UNKNOWN_EMAIL), `the example does not send ${simMod.SAMPLE_UNKNOWN_EMAIL}`);
			const summary = assertBranches(simMod, run, inputs, new Set());
			// ... and the nodes on the three branches received exactly those items
			const outs = nodeOutputs(run, GCORE_NODE);
			const targets = example.connections[GCORE_NODE].main;
			for (let k = 0; k < 3; k++) {
				for (const t of targets[k] ?? []) {
					assert.deepEqual(emails(nodeOutputs(run, t.node)[0] ?? []), emails(outs[k]), `items reaching "${t.node}" (on "${OUTPUT_NAMES[k]}")`);
				}
			}
			counts = outs.slice(0, 3).map((o) => o.length);
			assertNoKey(key, result.stdout, result.stderr);
			const saw = await assertSimulatorSaw(sim!, key, inputEmails);
			return `${summary}; ${saw}; ${(result.ms / 1000).toFixed(1)} s`;
		});

		await check('"Continue (using error output)": failed customers on Error, the rest still routed', async () => {
			const failing = simMod.SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited')[1].email;
			const { run, result } = await execute(n8n, sim!, 'gcoreIamErrOut01', async () => {
				await sim!.post('/__sim/faults', { email: failing, fault: { status: 400, body: { errors: { email: [VALIDATION_MESSAGE] } } } });
			});
			assertRoutedOk(run, result);
			const inputs = nodeOutputs(run, 'Add a typo')[0] ?? [];
			assert.ok(emails(inputs).includes(TYPO_ADDRESS));
			const summary = assertBranches(simMod, run, inputs, new Set([failing, TYPO_ADDRESS]));
			const outs = nodeOutputs(run, GCORE_NODE);
			assert.equal(outs.length, 4, `${GCORE_NODE} should have 4 outputs with the Error output`);
			assert.deepEqual(emails(outs[3]), [failing, TYPO_ADDRESS], 'items on the Error output');
			for (const item of outs[3]) {
				const input = inputs.find((i) => i.json.email === item.json.email)!;
				assert.equal(item.json.name, input.json.name, `Error item ${item.json.email} keeps its input fields`);
				assert.equal(item.json.company, input.json.company, `Error item ${item.json.email} keeps its input fields`);
				assert.ok(item.json.error, `Error item ${item.json.email} has an error message`);
			}
			const apiError = JSON.stringify(outs[3][0].json.error);
			assert.ok(apiError.includes(VALIDATION_MESSAGE), `the Error item shows the API's field message, got ${apiError}`);
			assert.deepEqual(emails(nodeOutputs(run, ERROR_NODE)[0] ?? []), [failing, TYPO_ADDRESS], `items reaching "${ERROR_NODE}"`);
			assertNoKey(key, result.stdout, result.stderr);
			const routed = emails(inputs).filter((e) => e !== TYPO_ADDRESS);
			const saw = await assertSimulatorSaw(sim!, key, routed, [TYPO_ADDRESS]);
			return `${summary}, Error: ${outs[3].length} (API 400 + invalid address, the latter never sent); ${saw}`;
		});

		await check('default "Stop Workflow": n8n execute fails naming the address and the API message', async () => {
			const failing = simMod.SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited')[0].email;
			const { result } = await execute(n8n, sim!, 'gcoreIamStopErr1', async () => {
				await sim!.post('/__sim/faults', { email: failing, fault: { status: 400, body: { errors: { email: [VALIDATION_MESSAGE] } } } });
			});
			const out = `${result.stdout}\n${result.stderr}`;
			assert.equal(result.signal, null, describeRun(result));
			assert.notEqual(result.code, 0, `n8n execute should fail. ${describeRun(result)}`);
			assert.ok(out.includes(VALIDATION_MESSAGE), `the error shows the API message. ${describeRun(result)}`);
			assert.ok(out.includes(failing), `the error names ${failing}. ${describeRun(result)}`);
			assertNoKey(key, out);
			return `exit ${result.code}`;
		});
	}

	// --- n8n start: owner, credential test ------------------------------------------------------
	let started = false;
	if (imported) {
		started = await check('n8n start with the owner set up from the environment; REST login', async () => {
			await n8n.start();
			await n8n.login(DEMO_OWNER);
			return `${n8n.baseUrl}, owner ${DEMO_OWNER.email}`;
		});
	}
	if (!started) notRun("credential test through n8n's /rest/credentials/test", 'n8n did not start');
	else {
		await check("credential test through n8n's /rest/credentials/test: OK, wrong key fails clearly", async () => {
			const cookie = await n8n.login(DEMO_OWNER);
			await sim!.reset();
			// As the editor does when a saved credential is opened: its data comes back redacted, n8n fills the secret in.
			const stored = await n8n.rest<{ id: string; name: string; type: string; data: Record<string, unknown> }>(
				cookie,
				'GET',
				`/credentials/${CREDENTIAL_ID}?includeData=true`,
			);
			assert.equal(stored.type, CREDENTIAL_TYPE);
			assert.ok(!JSON.stringify(stored).includes(key), 'the editor receives the stored API key');
			type TestResult = { status: string; message: string };
			const test = (data: Record<string, unknown>) =>
				n8n.rest<TestResult>(cookie, 'POST', '/credentials/test', { credentials: { id: CREDENTIAL_ID, name: stored.name, type: CREDENTIAL_TYPE, data } });
			const good = await test(stored.data);
			assert.equal(good.status, 'OK', `stored credential: ${JSON.stringify(good)}`);
			const me = (await sim!.stats()).log.filter((l) => l.path === '/iam/clients/me');
			assert.ok(me.length >= 1, 'the credential test did not call GET /iam/clients/me');
			assert.equal(me[0].method, 'GET');
			assert.equal(me[0].authorization, `apikey ${key}`);
			const wrongKey = 'wrong-key-0000';
			const bad = await test({ ...stored.data, apiKey: wrongKey });
			assert.equal(bad.status, 'Error', `wrong key: ${JSON.stringify(bad)}`);
			assert.match(bad.message, /unauthori[sz]ed|401|api key|token|credential|rejected/i, `wrong key message: ${bad.message}`);
			assert.ok(!bad.message.includes(wrongKey), 'the wrong key is echoed in the message');
			return `OK: "${good.message}"; wrong key: "${bad.message}"`;
		});
	}

	// --- the browser --------------------------------------------------------------------------------
	if (skipBrowser) notRun('browser: labels, execute, screenshot', 'GCORE_E2E_SKIP_BROWSER=1', 'skip');
	else if (!started) notRun('browser: labels, execute, screenshot', 'n8n did not start');
	else {
		await check('headless Chromium: three labelled outputs, execute, item counts, screenshot', async () => {
			const chromium = await chromiumP;
			await sim!.reset();
			const shot = path.join(work, 'example-workflow.png');
			const targets = example.connections[GCORE_NODE].main.map((o) => o[0]?.node);
			const r = await browserCheck({
				chromium,
				baseUrl: n8n.baseUrl,
				owner: DEMO_OWNER,
				workflowId: EXAMPLE_WORKFLOW_ID,
				nodeName: GCORE_NODE,
				expectRan: [GCORE_NODE, ...targets.filter((t): t is string => !!t)],
				screenshot: shot,
			});
			assert.deepEqual(r.outputLabels, OUTPUT_NAMES, 'output labels on the canvas');
			if (counts.length === 3) {
				for (let k = 0; k < 3; k++) {
					if (!targets[k]) continue;
					const want = `${counts[k]} item${counts[k] === 1 ? '' : 's'}`;
					assert.equal(r.edgeCounts[`${GCORE_NODE} → ${targets[k]}`], want, `item count on the "${OUTPUT_NAMES[k]}" edge`);
				}
			}
			await assertSimulatorSaw(sim!, key, []);
			const dest = process.env.GCORE_E2E_SCREENSHOT ?? path.join(REPO, 'docs', 'example-workflow.png');
			if (dest !== 'none') {
				fs.mkdirSync(path.dirname(dest), { recursive: true });
				fs.copyFileSync(shot, dest);
			}
			return `labels ${r.outputLabels.join(' / ')}; ${Object.values(r.edgeCounts).join(', ')}; screenshot ${dest === 'none' ? shot : path.relative(process.cwd(), dest)}`;
		});
	}

	return finish(t0, work, n8nLog, simLog, watchdog);
}

async function finish(t0: number, work: string, n8nLog: string, simLog: string, watchdog: NodeJS.Timeout): Promise<number> {
	await cleanupAll();
	clearTimeout(watchdog);
	const passed = results.filter((r) => r.status === 'pass').length;
	const failed = results.filter((r) => r.status === 'fail').length;
	const skipped = results.filter((r) => r.status === 'skip').length;
	if (failed) {
		console.log(`\n----- n8n log (last 60 lines of ${n8nLog}) -----\n${tail(n8nLog, 60)}`);
		console.log(`\n----- simulator log (last 15 lines) -----\n${tail(simLog, 15)}`);
	}
	if (failed || process.env.GCORE_E2E_KEEP === '1') console.log(`\nwork folder kept: ${work}`);
	else fs.rmSync(work, { recursive: true, force: true });
	console.log(`\ne2e in the real n8n: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	async (e: unknown) => {
		console.log(`FAIL e2e crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
		await cleanupAll();
		const passed = results.filter((r) => r.status === 'pass').length;
		const failed = results.filter((r) => r.status === 'fail').length + 1;
		console.log(`${passed} passed, ${failed} failed`);
		process.exit(1);
	},
);
