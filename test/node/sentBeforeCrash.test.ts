// What a run that died, or was cancelled, leaves in the node's record, and what the next run
// makes of it. A run that died: the rows as they were when it died, put back after the cancel.
import type { NodeRun } from './fixture';
import {
	invitedUsers,
	items,
	outcomes as outcomesOf,
	until,
	useDeduplicationStore,
	useSimulator,
} from './fixture';
import type { StoredRow } from '../../harness/engine/deduplicationStore';
import { addressHash, checkMarks } from '../../nodes/GcoreIam/acrossExecutions/marks';
import { MAX_STRINGS } from '../../nodes/GcoreIam/acrossExecutions/storeRounds';

const invited = invitedUsers(40).map((user) => user.email);
const { sim, run, requests, sent, tally } = useSimulator({ users: invitedUsers(40) });
const store = useDeduplicationStore();

const emails = (from: number, to: number) => invited.slice(from, to);
const outcomes = (result: NodeRun) => outcomesOf(result.gcore.success);
const checks = () =>
	store().calls.filter(
		(call) =>
			call.method === 'checkProcessedAndRecord' &&
			call.items.some((value) => String(value).startsWith('u|')),
	);

/** Whether the record reads "sent" for `email` (window 10 min, the default): a recorded 2xx. */
const recorded = (email: string) => {
	const marks = checkMarks({ kind: 'window', minutes: 10 }, addressHash(email), Date.now());
	return store().holds(marks.sent) && !store().holds(marks.unsent);
};

function startRuns(runs: Array<{ addresses: string[]; mode?: 'retry'; concurrency?: number }>) {
	const stop = new AbortController();
	const finished = Promise.all(
		runs.map(
			async ({ addresses, mode, concurrency }) =>
				await run(
					{
						items: items(addresses),
						parameters: concurrency ? { options: { concurrency } } : undefined,
					},
					{ mode, signal: stop.signal },
				),
		),
	);
	return { stop, finished };
}

describe("the node's record when full", () => {
	const key = 'harness-workflow|n:gcore-iam';
	/** A record of `strings` strings; the first check adds 2 (window 10 min, one address). */
	const fill = (strings: number) =>
		store().rows.set(key, {
			mode: 'entries',
			data: Array.from({ length: strings }, (_, i) => `filler-${i}`),
		});
	const kept = () => store().rows.get(key)?.data as string[];

	// The size is read at a process's first store call for a record (each test here starts a new
	// node process), then every 2,000 strings or 60 s.
	test(`at ${MAX_STRINGS} strings it is emptied, never pruned: then it works as new`, async () => {
		fill(MAX_STRINGS - 2);
		const first = await run({ items: items(emails(30, 31)) });
		expect(outcomes(first)).toEqual(['sent']);
		expect(kept().length).toBeLessThan(20);
		expect(kept().some((value) => value.startsWith('filler-'))).toBe(false);
		expect(store().calls.filter((call) => call.scope !== 'node')).toEqual([]); // Remove Duplicates' record kept
		const second = await run({ items: items(emails(30, 31)) });
		expect(outcomes(second)).toEqual(['sentBefore']);
	});

	test('one string fewer: it is kept whole', async () => {
		fill(MAX_STRINGS - 3);
		await run({ items: items(emails(31, 32)) });
		expect(kept().filter((value) => value.startsWith('filler-'))).toHaveLength(MAX_STRINGS - 3);
	});
});

describe('a run that died', () => {
	test('after its check: the next run, ordinary or retried, e-mails every customer it never reached, none as "sentBefore"', async () => {
		const ordinary = emails(0, 10);
		const retried = emails(10, 20);
		for (const email of [...ordinary, ...retried]) sim().addFault(email, { hang: true });
		const dying = startRuns([{ addresses: ordinary }, { addresses: retried, mode: 'retry' }]);
		// Both have checked; the retried run may still wait for the account's requests in flight.
		await until(
			() => ordinary.some((email) => requests(email) > 0) && checks().length === 2,
			'both runs to check and one to send',
		);
		// The record at the moment they died, before the cancel's clean-up.
		const leftBehind = new Map<string, StoredRow>(
			[...store().rows].map(([key, row]) => [key, structuredClone(row)]),
		);
		dying.stop.abort();
		await dying.finished;
		store().rows.clear();
		for (const [key, row] of leftBehind) store().rows.set(key, row);
		sim().reset();

		const [again, retriedAgain] = await Promise.all([
			run({ items: items(ordinary) }),
			run({ items: items(retried) }, { mode: 'retry' }),
		]);
		expect(outcomes(again)).toEqual(ordinary.map(() => 'sent'));
		expect(outcomes(retriedAgain)).toEqual(retried.map(() => 'sent'));
		const { neverEmailed } = tally('died after its check', [...ordinary, ...retried]);
		expect(neverEmailed).toEqual([]);
		// Reported, not asserted: a request of the dying run still on its way when the faults are
		// cleared is answered (seen once under load 12), and the next run rightly sends it again.
	});
});

describe('a cancelled run', () => {
	test('records the successes it had: the next run skips those and sends the rest at once', async () => {
		const quick = emails(20, 24);
		const hanging = emails(24, 28);
		for (const email of hanging) sim().addFault(email, { hang: true });
		// One at a time: the first hanging request leaves only once the node has taken in the
		// last quick answer (the simulator counting an answer is not yet the node reading it).
		const cancelled = startRuns([{ addresses: [...quick, ...hanging], concurrency: 1 }]);
		await until(
			() => quick.every((email) => sent(email) === 1) && requests(hanging[0]) > 0,
			'the quick ones to be answered',
		);
		cancelled.stop.abort();
		await cancelled.finished;
		// n8n ends a cancelled execution at once; the node's code runs on to record its successes.
		await until(() => quick.every(recorded), 'the cancelled run to record its successes');
		sim().reset();

		const checksBefore = checks().length;
		const next = await run({ items: items([...quick, ...hanging]) });
		expect(outcomes(next)).toEqual([
			...quick.map(() => 'sentBefore'),
			...hanging.map(() => 'sent'),
		]);
		// One check, no waiting for the cancelled run's sends.
		expect(checks().length - checksBefore).toBe(1);
		// Since the reset: every hanging customer e-mailed, no quick one again.
		const { neverEmailed } = tally('cancelled, the hanging ones', hanging);
		const twice = quick.filter((email) => sent(email) > 0);
		console.log(`cancelled: ${twice.length} quick ones e-mailed twice`);
		expect({ neverEmailed, twice }).toEqual({ neverEmailed: [], twice: [] });
	});
});
