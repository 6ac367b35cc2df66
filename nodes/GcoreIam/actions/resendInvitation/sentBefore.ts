import type { DeduplicationHelperFunctions, ICheckProcessedOptions, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FinalAnswer } from './answerMemory';
import type { Recipient, SendResult } from './sendAll';
import type { Family } from './sentBeforeTokens';
import { addressHash, checkToken, sentTokens } from './sentBeforeTokens';
import type { RunSettings } from './settings';
import { pause } from '../../transport/pause';
import type { Unlocked } from './sentBeforeLock';
import { isStoreMissing, underStoreLock } from './sentBeforeLock';
import { takeAddresses } from './sentBeforeTurns';

/*
 * Across executions: skip addresses this node sent to successfully not long ago.
 *
 * Store: n8n's deduplication store (the one Remove Duplicates uses), scope 'node', mode
 * 'entries'. n8n keeps it in its database: one row per workflow and node holding a list of
 * strings (each md5-hashed again by n8n), pruned oldest first beyond `maxEntries`; every call
 * reads the row, changes it and writes it back. So the node calls it a few times per run, each
 * with many addresses, never once per item: one check before sending, one write of the new
 * successes every 5 s while sending and one at the end, one release of unused claims. See
 * sentBeforeTokens.ts for how time is encoded in the strings.
 *
 * Ordinary execution: the check asks for the current bucket of the "Skip If Invited Within"
 * window; found means skipped; not found means it is now written, which is a claim that other
 * workers see at once. Claims of addresses that did not end in a 2xx are removed after the run.
 * Retried execution (mode 'retry'): the check asks for the 24 h family and removes what it just
 * wrote, so a crash in the middle of a retry never leaves claims that the next retry would take
 * for sends. Every 2xx writes both families, for the whole time the run took.
 *
 * The store's read-change-write is not atomic, so the node's calls take turns, in one n8n
 * process and across processes (queue-mode workers): see sentBeforeLock.ts. A run that wants an
 * address another run of the same node in this process is sending waits until that run has
 * written its answers, then checks. Without a store (an engine where n8n's
 * deduplication service is not initialised) the check is off and the run logs one warning.
 */

const STORE_OPTIONS: ICheckProcessedOptions = { mode: 'entries', maxEntries: 100_000 };
const FLUSH_EVERY_MS = 5_000;
const MISSING = Symbol('store missing');

type Store = Pick<DeduplicationHelperFunctions, 'checkProcessedAndRecord' | 'removeProcessed' | 'clearAllProcessedItems'>;

export interface SentBeforeRun {
	sent: Map<string, SendResult>;
	/** Keys of the addresses skipped because they were sent to before. */
	sentBefore: Set<string>;
}

/** Sends through `send` the recipients not sent to before, and records its successes. */
export async function skipSentBefore(
	context: IExecuteFunctions,
	settings: RunSettings,
	recipients: Recipient[],
	remembered: Map<string, FinalAnswer>,
	send: (recipients: Recipient[]) => Promise<Map<string, SendResult>>,
): Promise<SentBeforeRun> {
	const node = context.getNode();
	const warnStoreMissing = () =>
		context.logger.warn(
			`Gcore IAM "${node.name}": n8n's deduplication store is not available here (this n8n has none, or the workflow is not saved), so "Skip If Invited Within" and the 24 h rule for retried executions are off in this run. Addresses e-mailed by earlier executions may be e-mailed again.`,
		);
	const unchecked = async () => {
		warnStoreMissing();
		return { sent: await send(recipients), sentBefore: new Set<string>() };
	};
	const store = storeOf(context);
	if (!store) return await unchecked();
	if (recipients.length === 0) return { sent: await send(recipients), sentBefore: new Set() };

	const retry = context.getMode() === 'retry';
	const minutes = settings.skipIfInvitedWithin;
	const window: Family | undefined = minutes > 0 ? { kind: 'window', minutes } : undefined;
	const checked: Family | undefined = retry ? { kind: 'retry' } : window;
	const workflowId = context.getWorkflow().id ?? '';
	const row = `${workflowId}\u0000${node.id ?? node.name}`;
	const hashes = recipients.map((recipient) => addressHash(recipient.key));
	const signal = context.getExecutionCancelSignal();
	let unlockedWarned = false;
	const unlocked: Unlocked = (reason) => {
		if (unlockedWarned) return;
		unlockedWarned = true;
		context.logger.warn(
			`Gcore IAM "${node.name}": a call to n8n's deduplication store ran without the lock between workers (${reason}). Two workers taking the same customer at the same moment may both e-mail them.`,
		);
	};
	// One store call at a time: in turn in this process, under the store lock across processes.
	const sharedBy = workflowRecordUser(context);
	const inStore = async <T>(work: () => Promise<T>) => await underStoreLock(store, workflowId, work, unlocked, sharedBy);

	const done = checked ? await takeAddresses(row, hashes, signal) : () => undefined;
	try {
		if (signal?.aborted) return { sent: new Map(), sentBefore: new Set() };
		const started = Date.now();
		const skipped = new Set<string>();
		const claims = new Map<string, string>();
		if (checked) {
			const probes = hashes.map((hash) => checkToken(checked, hash, started));
			const found = await inStore(async () => {
				const answer = await call(async () => await store.checkProcessedAndRecord(probes, 'node', STORE_OPTIONS));
				if (answer !== MISSING && retry && answer.new.length > 0) {
					await call(async () => await store.removeProcessed(answer.new, 'node', STORE_OPTIONS));
				}
				return answer;
			}).catch((error: unknown) => {
				throw new NodeOperationError(node, `Could not read n8n's deduplication store: ${message(error)}`, {
					description:
						'No invitation was sent. Run the workflow again; if this keeps happening, check the n8n database, or set "Skip If Invited Within" to 0 (not for retried executions).',
				});
			});
			if (found === MISSING) return await unchecked();
			const processed = new Set(found.processed.map(String));
			probes.forEach((probe, index) => {
				const { key } = recipients[index];
				if (processed.has(probe)) skipped.add(key);
				else if (!retry) claims.set(key, probe);
			});
		}

		const toSend = skipped.size > 0 ? recipients.filter((recipient) => !skipped.has(recipient.key)) : recipients;
		// Successes are written every FLUSH_EVERY_MS while the run goes on, so that an n8n that
		// dies in a long run forgets at most the last few seconds of sends.
		const recorded = new Set<string>();
		const record = async (): Promise<unknown> => {
			const now = Date.now();
			const keys = toSend.filter(({ key }) => !recorded.has(key) && remembered.get(key)?.route === 'sent').map(({ key }) => key);
			if (keys.length === 0) return undefined;
			const written = keys.flatMap((key) => {
				const hash = addressHash(key);
				return [...(window ? sentTokens(window, hash, started, now) : []), ...sentTokens({ kind: 'retry' }, hash, started, now)];
			});
			const outcome = await inStore(async () => await call(async () => await store.checkProcessedAndRecord(written, 'node', STORE_OPTIONS)));
			if (outcome === MISSING) return MISSING;
			for (const key of keys) {
				recorded.add(key);
				claims.delete(key);
			}
			return undefined;
		};
		const sending = new AbortController();
		const recording = (async () => {
			let outcome: unknown;
			while (outcome !== MISSING && !sending.signal.aborted) {
				await pause(FLUSH_EVERY_MS, sending.signal);
				if (!sending.signal.aborted) outcome = await record().catch(() => undefined);
			}
		})();
		try {
			return { sent: await send(toSend), sentBefore: skipped };
		} finally {
			sending.abort();
			await recording;
			const outcome = await record()
				.then(async (recordOutcome) => {
					const released = [...claims.values()];
					if (recordOutcome === MISSING || released.length === 0) return recordOutcome;
					await inStore(async () => await call(async () => await store.removeProcessed(released, 'node', STORE_OPTIONS)));
					return undefined;
				})
				.catch((error: unknown) => error ?? new Error('unknown error'));
			if (outcome === MISSING) warnStoreMissing();
			else if (outcome !== undefined) {
				context.logger.warn(
					`Gcore IAM "${node.name}": could not record this run's invitations in n8n's deduplication store (${message(outcome)}); a later run may e-mail these customers again.`,
				);
			}
		}
	} finally {
		done();
	}
}

/**
 * A Remove Duplicates node with Scope "Workflow" before or after this one keeps its data in the
 * record the lock is made of: the lock is not taken then, so that node never meets it.
 */
function workflowRecordUser(context: IExecuteFunctions): string | undefined {
	const name = context.getNode().name;
	const options = { includeNodeParameters: true };
	// getChildNodes is missing from the execute context of older n8n lines.
	const children = typeof context.getChildNodes === 'function' ? context.getChildNodes(name, options) : [];
	const user = [...context.getParentNodes(name, options), ...children].find(
		(other) =>
			other.type === 'n8n-nodes-base.removeDuplicates' &&
			other.disabled !== true &&
			(other.parameters?.options as { scope?: unknown } | undefined)?.scope === 'workflow',
	);
	return user ? `the workflow's node "${user.name}" keeps its data in the workflow-wide deduplication record` : undefined;
}

function storeOf(context: IExecuteFunctions): Store | undefined {
	// n8n's store keeps a record per saved workflow: without an id it cannot.
	if (!context.getWorkflow().id) return undefined;
	const helpers = context.helpers as Partial<Store>;
	const { checkProcessedAndRecord, removeProcessed, clearAllProcessedItems } = helpers;
	if ([checkProcessedAndRecord, removeProcessed, clearAllProcessedItems].some((helper) => typeof helper !== 'function')) return undefined;
	return helpers as Store;
}

// One more try: two n8n processes creating the same row at once make one of them fail.
async function call<T>(work: () => Promise<T>): Promise<T | typeof MISSING> {
	try {
		return await work();
	} catch (error) {
		if (isStoreMissing(error)) return MISSING;
		return await work();
	}
}

function message(error: unknown): string {
	const text = (error as { message?: unknown } | undefined)?.message;
	return typeof text === 'string' ? text : String(error);
}
