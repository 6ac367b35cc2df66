import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Answer, Recipient, SendResult } from '../outcome/results';
import type { RunSettings } from '../runSettings';
import { pause } from '../pause';
import type { Store } from './storeRounds';
import { isStoreMissing, storeRound } from './storeRounds';
import type { Family } from './tokens';
import {
	CLAIM_AHEAD_MS,
	addressHash,
	askedTokens,
	checkTokens,
	claimBucket,
	claimToken,
	readCheck,
	recordTokens,
} from './tokens';

// Across executions: skip addresses that a recorded 2xx reached not long ago. DESIGN.md beside
// this file says what is promised and why it holds after a crash.

/** How often a run records its new successes and renews its claims, and a waiting run asks again. */
const SYNC_EVERY_MS = 1_000;
/** How long a run waits at most for another run's send to the same address before it sends too. */
const MAX_WAIT_MS = 60_000;
const RETRY: Family = { kind: 'retry' };

export interface SentBeforeRun {
	sent: Map<string, SendResult>;
	/** Keys of the addresses skipped because a send to them was recorded. */
	sentBefore: Set<string>;
}

/** Sends through `send` the recipients no recorded send reached, and records its successes. */
export async function skipSentBefore(
	context: IExecuteFunctions,
	settings: RunSettings,
	recipients: Recipient[],
	remembered: Map<string, Answer>,
	send: (recipients: Recipient[]) => Promise<Map<string, SendResult>>,
): Promise<SentBeforeRun> {
	const node = context.getNode();
	let missingWarned = false;
	const warnStoreMissing = () => {
		if (missingWarned) return;
		missingWarned = true;
		context.logger.warn(
			`Gcore IAM "${node.name}": n8n's deduplication store is not available here (this n8n has none, or the workflow is not saved), so "Skip If Invited Within" and the 24 h rule for retried executions are off in this run. Addresses emailed by earlier executions may be emailed again.`,
		);
	};
	const store = storeOf(context);
	if (!store) warnStoreMissing();
	if (!store || recipients.length === 0)
		return { sent: await send(recipients), sentBefore: new Set() };

	const window: Family | undefined =
		settings.skipIfInvitedWithin > 0
			? { kind: 'window', minutes: settings.skipIfInvitedWithin }
			: undefined;
	const checked = context.getMode() === 'retry' ? RETRY : window;
	const recordedIn = window ? [window, RETRY] : [RETRY];
	const record = `${context.getWorkflow().id}\u0000${node.id ?? node.name}`;
	const signal = context.getExecutionCancelSignal();
	const started = Date.now();
	const hashes = new Map(
		recipients.map((recipient) => [recipient.key, addressHash(recipient.key)]),
	);
	const hashOf = (key: string) => hashes.get(key) ?? addressHash(key);

	// The addresses this run sends to, each with the claims it holds for it.
	const ours = new Map<string, Set<string>>();
	const sent = new Map<string, SendResult>();
	const sentBefore = new Set<string>();
	const waitingSince = new Map<string, number>();

	// Records the successes, releases the claims of answered addresses (of all, when final) and
	// renews the others' claims for the next bucket.
	const sync = async (final: boolean) => {
		const now = Date.now();
		const add: string[] = [];
		const remove: string[] = [];
		const done: string[] = [];
		for (const [key, claims] of ours) {
			const answer = remembered.get(key);
			if (answer || final) {
				if (answer?.route === 'sent') {
					for (const family of recordedIn) {
						const tokens = recordTokens(family, hashOf(key), started, now);
						add.push(...tokens.add);
						// Only checks of the checked family wrote not-sent marks for this run's time.
						if (family === checked) remove.push(...tokens.remove);
					}
				}
				remove.push(...claims);
				done.push(key);
			} else if (checked) {
				// Held for the next bucket before it begins. Near a bucket's end it is written again
				// at every sync: a waiting run's take-back may have removed it meanwhile.
				const hash = hashOf(key);
				const next = claimToken(claimBucket(now + CLAIM_AHEAD_MS), hash);
				if (!claims.has(next) || next !== claimToken(claimBucket(now), hash)) add.push(next);
				claims.add(next);
			}
		}
		if (add.length > 0 || remove.length > 0) await storeRound(record, store, add, remove);
		for (const key of done) ours.delete(key);
	};

	// Which of `pending` this run sends now, which it waits for, which were sent before.
	const check = async (family: Family, pending: Recipient[], first: boolean) => {
		const now = Date.now();
		const asked = pending.map((recipient) => checkTokens(family, hashOf(recipient.key), now));
		let found: Set<string>;
		try {
			found = await storeRound(record, store, asked.flatMap(askedTokens));
		} catch (error) {
			if (isStoreMissing(error)) warnStoreMissing();
			else if (first) {
				throw new NodeOperationError(
					node,
					`Could not read n8n's deduplication store: ${message(error)}`,
					{
						description:
							'No invitation was sent. Run the workflow again; if this keeps happening, check the n8n database, or set "Skip If Invited Within" to 0 (not for retried executions).',
					},
				);
			}
			// Better a second e-mail than a customer left out.
			for (const { key } of pending) ours.set(key, new Set());
			return { mine: pending, waiting: [] };
		}
		const mine: Recipient[] = [];
		const waiting: Recipient[] = [];
		const takeBack: string[] = [];
		pending.forEach((recipient, index) => {
			const { state, takeBack: written } = readCheck(asked[index], found);
			takeBack.push(...written);
			if (state === 'sent') {
				sentBefore.add(recipient.key);
				return;
			}
			const since = waitingSince.get(recipient.key) ?? now;
			waitingSince.set(recipient.key, since);
			if (state === 'claimed' && now - since < MAX_WAIT_MS) waiting.push(recipient);
			else {
				const { claim, ahead } = asked[index];
				ours.set(recipient.key, new Set(state === 'free' ? [claim, ahead] : []));
				mine.push(recipient);
			}
		});
		if (takeBack.length > 0) await storeRound(record, store, [], takeBack).catch(() => undefined);
		return { mine, waiting };
	};

	const syncing = new AbortController();
	const ticker = (async () => {
		while (!syncing.signal.aborted) {
			await pause(SYNC_EVERY_MS, syncing.signal);
			if (!syncing.signal.aborted && !missingWarned) await sync(false).catch(() => undefined);
		}
	})();
	try {
		let pending = recipients;
		for (let first = true; pending.length > 0 && !signal?.aborted; first = false) {
			if (!checked) for (const { key } of pending) ours.set(key, new Set());
			const { mine, waiting } = checked
				? await check(checked, pending, first)
				: { mine: pending, waiting: [] };
			if (mine.length > 0) for (const [key, result] of await send(mine)) sent.set(key, result);
			else if (waiting.length > 0) await pause(SYNC_EVERY_MS, signal);
			// "Stop Workflow": nothing more is sent after a failure.
			if (settings.errorMode === 'stop' && [...sent.values()].some((result) => 'failure' in result))
				break;
			pending = waiting;
		}
		return { sent, sentBefore };
	} finally {
		syncing.abort();
		await ticker;
		if (!missingWarned) {
			await sync(true).catch((error: unknown) => {
				if (isStoreMissing(error)) warnStoreMissing();
				else {
					context.logger.warn(
						`Gcore IAM "${node.name}": could not record this run's invitations in n8n's deduplication store (${message(error)}); a later run may email these customers again.`,
					);
				}
			});
		}
	}
}

function storeOf(context: IExecuteFunctions): Store | undefined {
	// n8n's store keeps a record per saved workflow: without an id it cannot.
	if (!context.getWorkflow().id) return undefined;
	const helpers = context.helpers as Partial<Store>;
	const needed = [
		helpers.checkProcessedAndRecord,
		helpers.removeProcessed,
		helpers.getProcessedDataCount,
		helpers.clearAllProcessedItems,
	];
	return needed.every((helper) => typeof helper === 'function') ? (helpers as Store) : undefined;
}

function message(error: unknown): string {
	const text = (error as { message?: unknown } | undefined)?.message;
	return typeof text === 'string' ? text : String(error);
}
