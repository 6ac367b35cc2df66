/**
 * Two queue-mode workers (two copies of the node, each with its own module state) sharing one
 * deduplication store whose calls read, wait, then write without a lock, as n8n's do.
 */
import { GCORE_NODE_NAME, gcoreWorkflow, runWorkflow } from '../engine';
import { engineLogger } from '../engine/engineLine';
import type { MemoryDeduplicationStore } from '../engine/deduplicationStore';
import { installDeduplicationStore } from '../engine/deduplicationStore';
import { API_KEY, invitation, useSimulator } from './fixture';
import type { SecondProcess } from './secondProcess';
import { startSecondProcess } from './secondProcess';

const invited = Array.from({ length: 40 }, (_, i) => ({ email: `customer${i}@example.com`, status: 'invited' as const }));
const { sim, run } = useSimulator({ users: invited });

let store: MemoryDeduplicationStore;
let second: SecondProcess;
beforeAll(async () => {
	store = await installDeduplicationStore();
	second = await startSecondProcess();
});
afterAll(() => second.close());
beforeEach(() => store.clear());
afterEach(() => jest.restoreAllMocks());

const LOCK_ROW = 'harness-workflow|';
const items = (addresses: string[]) => addresses.map((email) => ({ email }));
const emails = (from: number, to: number) => invited.slice(from, to).map((user) => user.email);
const inSecond = (addresses: string[]) =>
	second.run({ items: items(addresses) }, { credentials: { gcoreIamApi: { apiKey: API_KEY, baseUrl: sim().url } } });
const lockWarnings = () => {
	const warn = jest.spyOn(engineLogger(), 'warn');
	return () => warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('without the lock'));
};

describe('two workers, one store', () => {
	test('both take the same customers at the same moment: each is e-mailed once, the other run skips', async () => {
		// Their checks overlap (both read before either writes) unless something keeps them apart:
		// unlocked, both would find every address new and both send.
		await run({ items: items(emails(39, 40)) }); // the node's row exists (creating it is atomic)
		store.overlapNext(2);
		const addresses = emails(0, 10);
		const [a, b] = await Promise.all([run({ items: items(addresses) }), inSecond([...addresses].reverse())]);
		expect(a.error).toBeUndefined();
		expect(b.error).toBeUndefined();
		const outcomes = [...a.gcore.success, ...b.success].map((item) => `${item.json.email} ${invitation(item).outcome}`);
		expect(outcomes.sort()).toEqual(addresses.flatMap((email) => [`${email} sent`, `${email} sentBefore`]).sort());
		for (const email of addresses) expect(sim().stats().sentByEmail[email]).toBe(1);
		expect(store.rows.has(LOCK_ROW)).toBe(false);
	});

	test('many runs on both workers with overlapping customers: each is e-mailed once, none is lost', async () => {
		store.readWriteDelayMs = 10;
		sim().configure({ latencyMs: 30 });
		const addresses = emails(10, 40);
		const batch = (i: number) => addresses.slice((i * 5) % 30, ((i * 5) % 30) + 8);
		const runs = await Promise.all(
			Array.from({ length: 8 }, async (_, i) => {
				const result = i % 2 === 0 ? await run({ items: items(batch(i)) }) : await inSecond(batch(i));
				return result.run.data.resultData.error;
			}),
		);
		expect(runs).toEqual(Array.from({ length: 8 }, () => undefined));
		const wanted = new Set(Array.from({ length: 8 }, (_, i) => batch(i)).flat());
		for (const email of wanted) expect(sim().stats().sentByEmail[email]).toBe(1);
	});

	test('a lock left behind by a worker that died holding it is taken over after 10 s', async () => {
		store.rows.set(LOCK_ROW, { mode: 'latestIncrementalKey', data: -Number.MAX_VALUE });
		const logged = lockWarnings();
		const result = await run({ items: items(emails(0, 1)) });
		expect(invitation(result.gcore.success[0])).toMatchObject({ outcome: 'sent' });
		expect(logged()).toEqual([]);
		expect(store.rows.has(LOCK_ROW)).toBe(false);
	}, 40_000);

	test("another node's workflow-wide record (Remove Duplicates, scope Workflow) is left alone: the run works without the lock and warns once", async () => {
		const theirs = { mode: 'entries' as const, data: ['a', 'b'] };
		store.rows.set(LOCK_ROW, theirs);
		const logged = lockWarnings();
		const first = await run({ items: items(emails(1, 3)) });
		expect(first.gcore.success.map((item) => invitation(item).outcome)).toEqual(['sent', 'sent']);
		const again = await run({ items: items(emails(1, 3)) });
		expect(again.gcore.success.map((item) => invitation(item).outcome)).toEqual(['sentBefore', 'sentBefore']);
		expect(logged()).toHaveLength(2);
		expect(logged()[0]).toMatch(/^Gcore IAM "Gcore IAM": a call to n8n's deduplication store ran without the lock between workers \(the workflow's deduplication record holds another node's data\)/);
		expect(store.rows.get(LOCK_ROW)).toEqual(theirs);
	});
});

describe('a Remove Duplicates node with Scope "Workflow" in the workflow', () => {
	test('the lock is not taken, so that node never meets it; the run says so once', async () => {
		const workflow = gcoreWorkflow({ items: items(emails(4, 6)) });
		const success = workflow.nodes.find((node) => node.name === 'Success')!;
		Object.assign(success, { type: 'n8n-nodes-base.removeDuplicates', typeVersion: 2, parameters: { options: { scope: 'workflow' } } });
		const logged = lockWarnings();
		const result = await runWorkflow(workflow, { credentials: { gcoreIamApi: { apiKey: API_KEY, baseUrl: sim().url } } });
		expect(result.error).toBeUndefined();
		expect(result.outputs(GCORE_NODE_NAME)[0].map((item) => invitation(item).outcome)).toEqual(['sent', 'sent']);
		expect(store.calls.filter((call) => call.scope === 'node').length).toBeGreaterThan(0);
		expect(store.calls.filter((call) => call.scope === 'workflow')).toEqual([]);
		expect(logged()).toEqual([expect.stringContaining('the workflow\'s node "Success" keeps its data in the workflow-wide deduplication record')]);
	});
});

describe("another node's record of the same mode", () => {
	// Last in this file: the second process then remembers this workflow's record as taken.
	test('a number kept there by another node (Remove Duplicates, higher values only) is never changed: after 10 s the run goes on without the lock', async () => {
		const theirs = { mode: 'latestIncrementalKey' as const, data: 42 };
		store.rows.set(LOCK_ROW, theirs);
		const logged = lockWarnings();
		const first = await inSecond(emails(3, 4));
		expect(first.success.map((item) => invitation(item).outcome)).toEqual(['sent']);
		expect(logged()).toHaveLength(1);
		const startedAgain = Date.now();
		const again = await inSecond(emails(3, 4));
		expect(again.success.map((item) => invitation(item).outcome)).toEqual(['sentBefore']);
		expect(Date.now() - startedAgain).toBeLessThan(5_000);
		expect(logged()).toHaveLength(2);
		expect(store.rows.get(LOCK_ROW)).toEqual(theirs);
	}, 40_000);
});
