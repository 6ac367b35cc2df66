/**
 * An in-memory n8n deduplication store, installed the way n8n's server does it
 * (`DataDeduplicationService.init(deduplicator)`, once per process); without it nodes'
 * `this.helpers.checkProcessedAndRecord` & co. throw n8n-core's "Instance needs to initialized".
 *
 * Mode 'entries' only (what our node uses), like n8n's database-backed DeduplicationHelper
 * (packages/cli/src/deduplication): one row per workflow and context ('n:<node id>' for scope
 * 'node', '' for 'workflow') of md5 hashes in insertion order, pruned oldest first beyond
 * `maxEntries`; a row saved in another mode is refused with n8n's message. Every call reads the
 * row, waits, then writes it back without a lock, so overlapping calls can lose one another's
 * writes; a call that finds no row inserts one, and fails if another inserted it meanwhile.
 * `readWriteDelayMs` widens the gap between read and write; `overlapNext(n)` makes the next n
 * calls overlap for certain: each waits after its read until all n have read (or a second passed).
 */
import './env';

import { createHash } from 'node:crypto';

import type {
	DeduplicationItemTypes,
	DeduplicationMode,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';
import { DataDeduplicationService } from 'n8n-core';

export interface StoreCall {
	method: keyof IDataDeduplicator;
	scope: DeduplicationScope;
	/** The values the node passed, as given (to check that no address is among them). */
	items: DeduplicationItemTypes[];
}

export interface StoredRow {
	mode: DeduplicationMode;
	/** Mode 'entries': md5 hashes (base64), oldest first; the latest modes (rows of other nodes): a value. */
	data: string[] | number;
}

const wait = (ms: number) =>
	new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

export class MemoryDeduplicationStore implements IDataDeduplicator {
	/** Row key `${workflowId}|${context}` → stored row. */
	readonly rows = new Map<string, StoredRow>();
	readonly calls: StoreCall[] = [];
	/** Time between a call's read and its write. */
	readWriteDelayMs = 0;
	/** When set, every call fails with it, as a broken database would. */
	failing?: Error;
	private meeting?: { size: number; arrived: number; all: Promise<unknown>; arrive: () => void };

	overlapNext(calls: number): void {
		let arrive = () => {};
		const all = new Promise<void>((resolve) => (arrive = resolve));
		this.meeting = { size: calls, arrived: 0, all: Promise.race([all, wait(1_000)]), arrive };
	}

	private async meet(): Promise<void> {
		if (this.failing) throw this.failing;
		const { meeting } = this;
		if (!meeting) return;
		if (++meeting.arrived === meeting.size) {
			this.meeting = undefined;
			meeting.arrive();
		}
		await meeting.all;
	}

	private rowKey(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
		if (!contextData.workflow.id) throw new Error('no workflow id');
		const context = scope === 'node' ? `n:${contextData.node?.id}` : '';
		return `${contextData.workflow.id}|${context}`;
	}

	private static hash(value: DeduplicationItemTypes): string {
		return createHash('md5').update(value.toString()).digest('base64');
	}

	private async read(key: string): Promise<StoredRow | undefined> {
		const row = this.rows.get(key);
		await Promise.all([wait(this.readWriteDelayMs), this.meet()]);
		if (row && row.mode !== 'entries') {
			throw new Error(
				'Deduplication Failed: Deduplication data was originally saved with an incompatible setting of the \u2018Keep Items Where\u2019 parameter. Try \u2019Clean Database\u2019 operation to reset.',
			);
		}
		return row && { mode: row.mode, data: [...(row.data as string[])] };
	}

	private async write(key: string, row: StoredRow, insert: boolean): Promise<void> {
		await new Promise((resolve) => setImmediate(resolve));
		if (insert && this.rows.has(key))
			throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
		// An update of a row deleted meanwhile changes nothing (UPDATE ... WHERE finds no row).
		if (!insert && !this.rows.has(key)) return;
		this.rows.set(key, row);
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls.push({ method: 'checkProcessedAndRecord', scope, items: [...items] });
		const key = this.rowKey(scope, contextData);
		const row = await this.read(key);
		const output: IDeduplicationOutput = { new: [], processed: [] };
		const values = (row?.data as string[] | undefined) ?? [];
		const known = new Set(values);
		for (const item of items) {
			const hash = MemoryDeduplicationStore.hash(item);
			if (known.has(hash)) output.processed.push(item);
			else {
				output.new.push(item);
				values.push(hash);
			}
		}
		if (options.maxEntries) values.splice(0, values.length - options.maxEntries);
		await this.write(key, { mode: options.mode, data: values }, !row);
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.calls.push({ method: 'removeProcessed', scope, items: [...items] });
		const key = this.rowKey(scope, contextData);
		const row = await this.read(key);
		if (!row) return;
		const removed = new Set(items.map(MemoryDeduplicationStore.hash));
		await this.write(
			key,
			{ mode: row.mode, data: (row.data as string[]).filter((value) => !removed.has(value)) },
			false,
		);
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.calls.push({ method: 'clearAllProcessedItems', scope, items: [] });
		this.rows.delete(this.rowKey(scope, contextData));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<number> {
		this.calls.push({ method: 'getProcessedDataCount', scope, items: [] });
		const data = this.rows.get(this.rowKey(scope, contextData))?.data;
		return Array.isArray(data) ? data.length : 0;
	}

	/** Whether a row holds `value` (rows keep md5 hashes, not the values). */
	holds(value: DeduplicationItemTypes): boolean {
		const hash = MemoryDeduplicationStore.hash(value);
		return [...this.rows.values()].some(
			(row) => Array.isArray(row.data) && row.data.includes(hash),
		);
	}

	/** Every stored value of every row, and the call log, emptied; no delay. */
	clear(): void {
		this.rows.clear();
		this.calls.length = 0;
		this.readWriteDelayMs = 0;
		this.failing = undefined;
		this.meeting = undefined;
	}
}

let installed: MemoryDeduplicationStore | undefined;

/** Initialises n8n-core's DataDeduplicationService with the in-memory store (once per process). */
export async function installDeduplicationStore(): Promise<MemoryDeduplicationStore> {
	if (!installed) {
		installed = new MemoryDeduplicationStore();
		await DataDeduplicationService.init(installed);
	}
	return installed;
}
