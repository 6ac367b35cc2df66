import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Recipient, SendResult } from '../outcome/results';
import { ProcessMap } from '../processState';
import type { Family } from './marks';
import { addressHash, checkMarks, recordMarks, wasSent } from './marks';
import type { Store } from './storeRounds';
import { isStoreMissing, storeOf, storeRound } from './storeRounds';

// Skip the addresses a recorded 2xx reached not long ago; wait for a send to the same address
// that another execution of this process has in flight. DESIGN.md says why this holds.

const RETRY: Family = { kind: 'retry' };
const STORE_MISSING = `n8n's deduplication store is not available here (this n8n has none, or the workflow is not saved), so "Skip If Invited Within" and the 24 h rule for retried executions are off in this run. Addresses emailed by earlier executions may be emailed again.`;
const messageOf = (error: unknown) => (error as Error | undefined)?.message ?? String(error);

// Sends in flight in this process, by record and address. Each settles true (a 2xx, or one found
// recorded) once its marks are written, or false; then it leaves. So a run that starts later
// finds either the send in flight or its marks.
const inFlight = new ProcessMap<Promise<boolean>>();

/** One run's part: it checks the node's record, records its 2xx, and holds its sends in flight. */
export class SentBefore {
	private readonly store: Store | undefined;
	private readonly window?: Family;
	/** The family this run checks; none: it sends to every address. */
	private readonly checked?: Family;
	private readonly record: string;
	private readonly started = Date.now();
	private readonly held = new Map<string, (sent: boolean | Promise<boolean>) => void>();
	private readonly writes: Array<Promise<unknown>> = [];
	private readonly warned = new Set<string>();

	constructor(
		private readonly context: IExecuteFunctions,
		skipIfInvitedWithin: number,
	) {
		this.store = storeOf(context);
		if (skipIfInvitedWithin > 0) this.window = { kind: 'window', minutes: skipIfInvitedWithin };
		this.checked = context.getMode() === 'retry' ? RETRY : this.window;
		const node = context.getNode();
		this.record = `${context.getWorkflow().id}\u0000${node.id ?? node.name}`;
		if (!this.store) this.warn(STORE_MISSING);
	}

	/**
	 * Which of `pending` to send, and which a 2xx reached before. It first waits, holding nothing,
	 * until no other run of this process is sending to any of them: a run holds addresses only
	 * while it sends them, so no two runs wait for each other.
	 */
	async check(pending: Recipient[]): Promise<{ send: Recipient[]; sentBefore: Recipient[] }> {
		const { store, checked: family } = this;
		if (!store || !family) return { send: pending, sentBefore: [] };
		const sentBefore: Recipient[] = [];
		for (let others = this.othersOf(pending); others.length > 0; others = this.othersOf(pending)) {
			const done = new Set((await Promise.all(others)).filter((r) => r !== false));
			sentBefore.push(...done);
			pending = pending.filter((r) => !done.has(r));
		}
		for (const { key } of pending) this.hold(key);
		const now = Date.now();
		const marks = pending.map(({ key }) => checkMarks(family, addressHash(key), now));
		let found: Set<string>;
		try {
			found = await storeRound(
				this.record,
				store,
				marks.flatMap((m) => [m.sent, m.unsent]),
			);
		} catch (error) {
			if (isStoreMissing(error)) {
				this.warn(STORE_MISSING);
				return { send: pending, sentBefore };
			}
			for (const { key } of pending) this.release(key, false);
			throw new NodeOperationError(
				this.context.getNode(),
				`Could not read n8n's deduplication store: ${messageOf(error)}`,
				{
					description:
						'No invitation was sent. Run the workflow again; if this keeps happening, check the n8n database, or set "Skip If Invited Within" to 0 (not for retried executions).',
				},
			);
		}
		const send = pending.filter((recipient, index) => {
			if (!wasSent(marks[index], found)) return true;
			sentBefore.push(recipient);
			// The check wrote "not sent" over a recorded send: take it back.
			this.write(recipient.key, [], [marks[index].unsent]);
			return false;
		});
		return { send, sentBefore };
	}

	/** An address got its result: a 2xx is recorded, and runs waiting for it learn the outcome. */
	settled(key: string, result: SendResult): void {
		if (!this.store || !('answer' in result) || result.answer.route !== 'sent')
			return this.release(key, false);
		const add: string[] = [];
		const remove: string[] = [];
		for (const family of this.window ? [this.window, RETRY] : [RETRY]) {
			const marks = recordMarks(family, addressHash(key), this.started, Date.now());
			add.push(...marks.add);
			// Only checks of the family this run checks wrote "not sent" during its time.
			if (family === this.checked) remove.push(...marks.remove);
		}
		this.write(key, add, remove);
	}

	/** Lets go of the sends that got no result, and waits until every mark is written. */
	async end(): Promise<void> {
		for (const key of [...this.held.keys()]) this.release(key, false);
		await Promise.all(this.writes);
	}

	private entryKey = (key: string) => `${this.record}\u0000${key}`;

	/** Another run's sends to these addresses, each settling to its recipient on a 2xx. */
	private othersOf(recipients: Recipient[]): Array<Promise<Recipient | false>> {
		return recipients.flatMap(
			(r) => inFlight.get(this.entryKey(r.key))?.then((sent) => sent && r) ?? [],
		);
	}

	private hold(key: string): void {
		const entryKey = this.entryKey(key);
		const sent = new Promise<boolean>((settle) => this.held.set(key, settle));
		inFlight.use(entryKey, () => sent);
		void sent.finally(() => inFlight.get(entryKey) === sent && inFlight.delete(entryKey));
	}

	private release(key: string, sent: boolean | Promise<boolean>): void {
		this.held.get(key)?.(sent);
		this.held.delete(key);
	}

	/** Writes the marks of a send (a 2xx, or one found recorded), then releases the address. */
	private write(key: string, add: string[], remove: string[]): void {
		const written = storeRound(this.record, this.store as Store, add, remove)
			.catch((error: unknown) =>
				this.warn(
					isStoreMissing(error)
						? STORE_MISSING
						: `could not record this run's invitations in n8n's deduplication store (${messageOf(error)}); a later run may email these customers again.`,
				),
			)
			.then(() => true);
		this.writes.push(written);
		this.release(key, written);
	}

	/** Each warning once per run. */
	private warn(text: string): void {
		if (!this.warned.has(text))
			this.context.logger.warn(`Gcore IAM "${this.context.getNode().name}": ${text}`);
		this.warned.add(text);
	}
}
