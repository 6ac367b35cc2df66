/**
 * Throw-away probe behind e2e/QUEUE-MODE.md: n8n 2.41.1 in queue mode on our own Redis and
 * PostgreSQL, one main and two workers, the package installed as a community package in each
 * process's user folder, a Webhook → Gcore IAM workflow, a small burst of POSTs, then the executions
 * read back over REST and attributed to workers from their logs. Optional: GCORE_PROBE_KILL=1
 * SIGKILLs one worker in the middle of a slow run and watches what n8n does with that execution.
 * Uses e2e/harness.ts as of this commit; the real test will be built on the restructured e2e/.
 * Run: npx tsx e2e/services/queueProbe.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	buildAndPack,
	cleanupAll,
	credentialJson,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	DEMO_OWNER,
	freePort,
	installPackage,
	installSignalHandlers,
	mkTemp,
	N8n,
	NODE_TYPE,
	onCleanup,
	say,
	sleep,
	startSimulator,
	stopProcessGroup,
} from '../harness';
import { cacheRoot, ensureRealN8n, type RealN8n } from '../realN8n';
import { startPostgres } from './postgres';
import { startRedis } from './redis';

const WORKFLOW_ID = 'gcoreQueueProbe1';
const WEBHOOK_PATH = 'gcore-queue-probe';
const KEY = 'sim-key$abc_123';

function workflow(): unknown {
	const gcore = 'Gcore IAM';
	return {
		id: WORKFLOW_ID,
		name: 'Queue probe: Webhook → Gcore IAM',
		nodes: [
			{ id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 200], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, options: {} } },
			{ id: randomUUID(), name: gcore, type: NODE_TYPE, typeVersion: 1, position: [220, 200], parameters: { operation: 'resendInvitation', email: '={{ $json.body.email }}', options: {} }, credentials: { gcoreIamApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } } },
			{ id: randomUUID(), name: 'Success', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [460, 0], parameters: {} },
			{ id: randomUUID(), name: 'Already', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [460, 200], parameters: {} },
			{ id: randomUUID(), name: 'NotFound', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [460, 400], parameters: {} },
		],
		connections: {
			Webhook: { main: [[{ node: gcore, type: 'main', index: 0 }]] },
			[gcore]: { main: [[{ node: 'Success', type: 'main', index: 0 }], [{ node: 'Already', type: 'main', index: 0 }], [{ node: 'NotFound', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

async function main(): Promise<void> {
	installSignalHandlers();
	const t0 = Date.now();
	const lap = (what: string) => say(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	const work = mkTemp('gcore-queue-probe-');
	say(`work folder ${work}`);
	const redis = await startRedis(work);
	onCleanup('redis', redis.stop);
	const pg = await startPostgres(work);
	onCleanup('postgres', pg.stop);
	lap(`redis ${redis.url}, postgres 127.0.0.1:${pg.port}`);
	const real = completeCache() ?? (await ensureRealN8n());
	const tgz = buildAndPack(work);
	const sim = await startSimulator(path.join(work, 'simulator.log'), [...(process.env.GCORE_PROBE_LATENCY ? ['--latency', process.env.GCORE_PROBE_LATENCY] : []), ...(process.env.GCORE_PROBE_SIM_ARGS ?? '').split(' ').filter(Boolean)]);
	lap(`simulator ${sim.url}`);

	const encryptionKey = randomBytes(24).toString('hex');
	const shared: NodeJS.ProcessEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: process.env.GCORE_PROBE_RECOVERY_MIN ?? '180',
		QUEUE_WORKER_STALLED_INTERVAL: process.env.GCORE_PROBE_STALLED_MS ?? '30000',
		QUEUE_WORKER_LOCK_DURATION: process.env.GCORE_PROBE_LOCK_MS ?? '60000',
		QUEUE_WORKER_LOCK_RENEW_TIME: process.env.GCORE_PROBE_LOCK_RENEW_MS ?? '10000',
		...(JSON.parse(process.env.GCORE_PROBE_EXTRA_ENV ?? '{}') as NodeJS.ProcessEnv),
	};
	const instance = async (name: string, owner: boolean) => {
		const userFolder = path.join(work, name);
		fs.mkdirSync(userFolder);
		installPackage(userFolder, tgz);
		return new N8n(real, {
			userFolder,
			port: await freePort(),
			logFile: path.join(work, `${name}.log`),
			encryptionKey,
			owner: owner ? DEMO_OWNER : undefined,
			extraEnv: { ...shared, N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
		});
	};
	const mainN8n = await instance('main', true);
	await mainN8n.importCredentials([credentialJson(CREDENTIAL_ID, CREDENTIAL_NAME, KEY, sim.url)]);
	await mainN8n.importWorkflow(workflow());
	await mainN8n.cliOk(['publish:workflow', `--id=${WORKFLOW_ID}`]);
	lap('imported and published into PostgreSQL');
	await mainN8n.start();
	lap('main up');

	const workers: Array<{ name: string; n8n: N8n; child: ChildProcess; healthPort: number }> = [];
	for (const name of ['worker1', 'worker2']) {
		const n8n = await instance(name, false);
		const healthPort = await freePort();
		const env = { ...n8n.env(), QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' };
		const out = fs.openSync(n8n.logFile, 'a');
		const child = spawn(real.nodeExe, [real.n8nBin, 'worker', '--concurrency=10'], { cwd: n8n.userFolder, env, stdio: ['ignore', out, out], detached: true });
		fs.closeSync(out);
		onCleanup(name, () => stopProcessGroup(child, name, 15_000));
		workers.push({ name, n8n, child, healthPort });
	}
	for (const w of workers) {
		for (;;) {
			if (w.child.exitCode !== null) throw new Error(`${w.name} exited:\n${w.n8n.logTail(40)}`);
			const ok = await fetch(`http://127.0.0.1:${w.healthPort}/healthz/readiness`).then((r) => r.ok, () => false);
			if (ok) break;
			await sleep(300);
		}
		lap(`${w.name} ready (health port ${w.healthPort})`);
	}

	const url = `${mainN8n.baseUrl}/webhook/${WEBHOOK_PATH}`;
	const n = Number(process.env.GCORE_PROBE_POSTS ?? 40);
	const sample = ['maria.garcia@northwind.example.com', 'ops@fjordstream.example.org', 'no.such.customer@example.com', 'li.wei@bluepeak-hosting.example.net'];
	// GCORE_PROBE_MIX=1: one customer per POST, 7 in 10 new invited ones, 1 a repeat of an invited one, 1 already active, 1 unknown
	const mix = process.env.GCORE_PROBE_MIX === '1';
	const emails = mix
		? Array.from({ length: n }, (_, i) => (i % 10 === 7 ? `c${i - 7}@burst.example.com` : i % 10 === 8 ? `a${i}@burst.example.com` : i % 10 === 9 ? `u${i}@burst.example.com` : `c${i}@burst.example.com`))
		: Array.from({ length: n }, (_, i) => sample[i % sample.length]);
	if (mix) {
		const users = emails.filter((e) => !e.startsWith('u')).map((email) => ({ email, status: email.startsWith('a') ? 'active' : 'invited' }));
		await sim.post('/__sim/users', [...new Map(users.map((u) => [u.email, u])).values()]);
	}
	const tb = Date.now();
	const answers = await Promise.all(
		Array.from({ length: n }, (_, i) =>
			fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: emails[i] }) }).then(async (r) => `${r.status} ${(await r.text()).slice(0, 80)}`),
		),
	);
	lap(`${n} POSTs answered in ${Date.now() - tb} ms: ${JSON.stringify(countBy(answers))}`);

	const cookie = await mainN8n.login(DEMO_OWNER);
	let list: { results: Array<{ id: string; status: string; mode: string }> } = { results: [] };
	for (let i = 0; i < 600; i++) {
		list = { results: await allExecutions(mainN8n, cookie) };
		if (list.results.length >= n && list.results.every((e) => !['new', 'running'].includes(e.status))) break;
		await sleep(1000);
	}
	lap(`last execution finished ${Date.now() - tb} ms after the first POST`);
	lap(`executions: ${list.results.length} ${JSON.stringify(countBy(list.results.map((e) => `${e.mode}/${e.status}`)))}`);
	const byWorker = workers.map((w) => `${w.name}: ${(fs.readFileSync(w.n8n.logFile, 'utf8').match(/Worker started execution \d+/g) ?? []).length}`);
	lap(`started per worker (from each worker's log): ${byWorker.join(', ')}`);
	const stats = await sim.stats();
	lap(`simulator requests ${stats.requests}, answers ${JSON.stringify(stats.statusCounts)}`);
	const expected = countBy(emails);
	const invited = [...new Set(emails)].filter((e) => !/^(a|u)\d|ops@|no\.such/.test(e));
	const never = invited.filter((e) => !(stats.sentByEmail[e] > 0));
	const twice = Object.entries(stats.sentByEmail).filter(([e, k]) => k > (expected[e] ?? 0));
	lap(`invited customers ${invited.length}: never sent ${never.length}, sent more often than POSTed ${twice.length} ${JSON.stringify(twice.slice(0, 5))}`);
	const one = await mainN8n.rest<{ data: string; status: string }>(cookie, 'GET', `/executions/${list.results[0].id}`);
	fs.writeFileSync(path.join(work, 'execution-sample.json'), JSON.stringify(one, null, 2));

	if (process.env.GCORE_PROBE_KILL === '1') await killProbe(mainN8n, cookie, workers, sim, url, lap);
	await cleanupAll();
	lap('all stopped');
}

async function killProbe(
	mainN8n: N8n,
	cookie: string,
	workers: Array<{ name: string; n8n: N8n; child: ChildProcess }>,
	sim: Awaited<ReturnType<typeof startSimulator>>,
	url: string,
	lap: (s: string) => void,
): Promise<void> {
	// A slow single execution (the simulator's latency is set with GCORE_PROBE_LATENCY) on whichever worker takes it.
	await sim.reset();
	const started = (w: (typeof workers)[number]) => [...fs.readFileSync(w.n8n.logFile, 'utf8').matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
	const before = workers.map((w) => started(w).length);
	void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'maria.garcia@northwind.example.com' }) });
	let victim: (typeof workers)[number] | undefined;
	let execId = '';
	for (let i = 0; i < 100 && !victim; i++) {
		await sleep(100);
		workers.forEach((w, k) => {
			const ids = started(w);
			if (ids.length > before[k]) {
				victim = w;
				execId = ids[ids.length - 1];
			}
		});
	}
	await sleep(1000); // inside the node's request
	if (!victim) throw new Error('no worker started the slow execution');
	lap(`SIGKILL ${victim.name} (pid ${victim.child.pid}) while it runs execution ${execId}`);
	process.kill(victim.child.pid!, 'SIGKILL');
	const tk = Date.now();
	let last = '';
	for (let i = 0; i < 400; i++) {
		const e = await mainN8n.rest<{ status: string }>(cookie, 'GET', `/executions/${execId}`).catch((err: Error) => ({ status: `error ${err.message.slice(0, 60)}` }));
		if (e.status !== last) {
			lap(`execution ${execId}: ${e.status} at +${((Date.now() - tk) / 1000).toFixed(1)} s after the kill`);
			last = e.status;
		}
		if (!['new', 'running'].includes(e.status)) break;
		await sleep(1000);
	}
	lap(`simulator after the kill: ${JSON.stringify((await sim.stats()).byEmail)}`);
	// What "Retry" in the executions list does with it (the editor calls this endpoint).
	const retried = await mainN8n.rest<unknown>(cookie, 'POST', `/executions/${execId}/retry`, { loadWorkflow: false }).catch((err: Error) => `retry refused: ${err.message.slice(0, 300)}`);
	lap(`retry answered ${JSON.stringify(retried).slice(0, 300)}`);
	await sleep(15_000);
	lap(`simulator after the retry: ${JSON.stringify((await sim.stats()).byEmail)}`);
}

/** The cached n8n 2.41.1 when it is complete, without waiting for the install lock (another worktree may hold it for another version). */
function completeCache(): RealN8n | undefined {
	const root = cacheRoot();
	const dir = path.join(root, 'n8n-2.41.1');
	const nodeBinDir = path.join(root, 'node24', 'node_modules', '.bin');
	if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(path.join(root, 'node24', '.complete'))) return undefined;
	const nodeVersion = (JSON.parse(fs.readFileSync(path.join(root, 'node24', '.complete'), 'utf8')) as { version: string }).version;
	return { cacheDir: root, nodeBinDir, nodeExe: path.join(nodeBinDir, 'node'), nodeVersion, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), n8nVersion: '2.41.1' };
}

/**
 * Every execution of the probe workflow through the public API, 100 a page. (The REST list
 * GET /rest/executions pages by id but sorts by start time: in queue mode it skips executions.)
 */
async function allExecutions(n8n: N8n, cookie: string): Promise<Array<{ id: string; status: string; mode: string }>> {
	apiKey ??= (await n8n.rest<{ rawApiKey: string }>(cookie, 'POST', '/api-keys', { label: 'queue probe', scopes: ['execution:list', 'execution:read'], expiresAt: null })).rawApiKey;
	const all: Array<{ id: string; status: string; mode: string }> = [];
	let cursor: string | undefined;
	do {
		const res = await fetch(`${n8n.baseUrl}/api/v1/executions?workflowId=${WORKFLOW_ID}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { 'X-N8N-API-KEY': apiKey } });
		if (!res.ok) throw new Error(`GET /api/v1/executions: ${res.status} ${(await res.text()).slice(0, 300)}`);
		const page = (await res.json()) as { data: Array<{ id: string; status: string; mode: string }>; nextCursor?: string | null };
		all.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all;
}
let apiKey: string | undefined;

function countBy(xs: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const x of xs) out[x] = (out[x] ?? 0) + 1;
	return out;
}

main().catch(async (e: Error) => {
	say(`FAILED: ${e.stack ?? e.message}`);
	await cleanupAll();
	process.exit(1);
});
