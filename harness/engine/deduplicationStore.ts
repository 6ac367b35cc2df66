// n8n's deduplication store in memory, mode 'entries', as n8n's DeduplicationHelper (packages/cli):
// a row of md5 hashes per workflow and context, oldest pruned first; each call reads, waits and writes
// back unlocked (overlapping calls lose writes; of two inserts of a row, the second fails).
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

export interface StoredRow {
	mode: DeduplicationMode;
	/** md5 hashes (base64), oldest first; a number in the other modes (rows of other nodes). */
	data: string[] | number;
}

const wait = (ms: number) =>
	new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

export class MemoryDeduplicationStore implements IDataDeduplicator {
	/** `${workflowId}|${context}` → row. */
	readonly rows = new Map<string, StoredRow>();
	readonly calls: Array<{ method: string; scope: DeduplicationScope; items: unknown[] }> = [];
	readWriteDelayMs = 0;
	/** When set, every call fails with it. */
	failing?: Error;
	private meeting?: { size: number; arrived: number; all: Promise<unknown>; arrive: () => void };

	/** The next `calls` calls each wait after their read until all have read (at most 1 s). */
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
		const context = scope === 'node' ? `n:${contextData.node?.id}` : '';
		return `${contextData.workflow.id}|${context}`;
	}

	private static hash(value: DeduplicationItemTypes): string {
		return createHash('md5').update(value.toString()).digest('base64');
	}

	private async read(key: string): Promise<StoredRow | undefined> {
		const row = this.rows.get(key);
		await Promise.all([wait(this.readWriteDelayMs), this.meet()]);
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

	/** Whether a row holds `value`'s hash. */
	holds(value: DeduplicationItemTypes): boolean {
		const hash = MemoryDeduplicationStore.hash(value);
		return [...this.rows.values()].some(
			(row) => Array.isArray(row.data) && row.data.includes(hash),
		);
	}

	clear(): void {
		this.rows.clear();
		this.calls.length = 0;
		this.readWriteDelayMs = 0;
		this.failing = undefined;
		this.meeting = undefined;
	}
}

let installed: MemoryDeduplicationStore | undefined;

/** Once per process. */
export async function installDeduplicationStore(): Promise<MemoryDeduplicationStore> {
	if (!installed) {
		installed = new MemoryDeduplicationStore();
		await DataDeduplicationService.init(installed);
	}
	return installed;
}
