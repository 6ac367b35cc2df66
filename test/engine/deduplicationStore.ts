/**
 * An in-memory n8n deduplication store for the in-process engine, installed the way n8n's
 * server does it (`DataDeduplicationService.init(deduplicator)` at start-up, once per process):
 * after `installDeduplicationStore()`, nodes' `this.helpers.checkProcessedAndRecord` & co. work.
 * Without it they throw n8n-core's "Instance needs to initialized before use" assertion, as in
 * an engine without the service.
 *
 * It behaves like n8n's database-backed DeduplicationHelper (packages/cli/src/deduplication) in
 * mode 'entries': one row per workflow and context ('n:<node id>' for scope 'node'), values
 * stored as md5 hashes in insertion order, pruned oldest first beyond `maxEntries`, and every
 * call reads the row, awaits, then writes it back (no lock: like the database, two overlapping
 * calls can lose one another's writes).
 */
import './env';

import { createHash } from 'node:crypto';

import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';
import { DataDeduplicationService } from 'n8n-core';

export interface StoreCall {
	method: 'checkProcessedAndRecord' | 'removeProcessed' | 'clearAllProcessedItems' | 'getProcessedDataCount';
	/** The values the node passed, as given (to check that no address is among them). */
	items: DeduplicationItemTypes[];
}

export class MemoryDeduplicationStore implements IDataDeduplicator {
	/** Row key `${workflowId}|${context}` → stored values (md5, base64), oldest first. */
	readonly rows = new Map<string, string[]>();
	readonly calls: StoreCall[] = [];

	private rowKey(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
		if (!contextData.workflow.id) throw new Error('no workflow id');
		const context = scope === 'node' ? `n:${contextData.node?.id}` : '';
		return `${contextData.workflow.id}|${context}`;
	}

	private static hash(value: DeduplicationItemTypes): string {
		return createHash('md5').update(value.toString()).digest('base64');
	}

	private async read(key: string): Promise<string[] | undefined> {
		const row = this.rows.get(key);
		await new Promise((resolve) => setImmediate(resolve));
		return row && [...row];
	}

	private async write(key: string, values: string[]): Promise<void> {
		await new Promise((resolve) => setImmediate(resolve));
		this.rows.set(key, values);
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls.push({ method: 'checkProcessedAndRecord', items: [...items] });
		if (options.mode !== 'entries') throw new Error('only mode "entries" is implemented');
		const key = this.rowKey(scope, contextData);
		const values = (await this.read(key)) ?? [];
		const known = new Set(values);
		const output: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			const hash = MemoryDeduplicationStore.hash(item);
			if (known.has(hash)) output.processed.push(item);
			else {
				output.new.push(item);
				values.push(hash);
			}
		}
		if (options.maxEntries) values.splice(0, values.length - options.maxEntries);
		await this.write(key, values);
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.calls.push({ method: 'removeProcessed', items: [...items] });
		const key = this.rowKey(scope, contextData);
		const values = await this.read(key);
		if (!values) return;
		const removed = new Set(items.map(MemoryDeduplicationStore.hash));
		await this.write(
			key,
			values.filter((value) => !removed.has(value)),
		);
	}

	async clearAllProcessedItems(scope: DeduplicationScope, contextData: ICheckProcessedContextData): Promise<void> {
		this.calls.push({ method: 'clearAllProcessedItems', items: [] });
		this.rows.delete(this.rowKey(scope, contextData));
	}

	async getProcessedDataCount(scope: DeduplicationScope, contextData: ICheckProcessedContextData): Promise<number> {
		this.calls.push({ method: 'getProcessedDataCount', items: [] });
		return this.rows.get(this.rowKey(scope, contextData))?.length ?? 0;
	}

	/** Every stored value of every row, and the call log, emptied. */
	clear(): void {
		this.rows.clear();
		this.calls.length = 0;
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
