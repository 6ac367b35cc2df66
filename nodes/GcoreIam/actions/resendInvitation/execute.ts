import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { skipSentBefore } from '../../acrossExecutions/sentBefore';
import type { Answer, ItemResult, Recipient } from '../../outcome/results';
import { withAnswersOfThisRun } from '../../sending/answerMemory';
import { sendAll } from '../../sending/sendAll';
import type { Address } from './readAddresses';
import { readAddresses } from './readAddresses';
import { itemError, routeItems } from './routeItems';
import { readSettings } from './settings';

export async function resendInvitation(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await withAnswersOfThisRun(
		this,
		async (remembered) => await sendAndRoute.call(this, remembered),
	);
}

async function sendAndRoute(
	this: IExecuteFunctions,
	remembered: Map<string, Answer>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[], [], []];
	const node = this.getNode();
	const settings = await readSettings(this);
	const addresses = readAddresses(this, items);

	// A bad address stops the workflow before anyone is e-mailed, so a fixed re-run sends each once.
	if (settings.errorMode === 'stop') {
		const bad = addresses.findIndex((address) => 'failure' in address);
		if (bad >= 0) {
			const { email, failure } = addresses[bad] as Extract<Address, { failure: unknown }>;
			throw itemError(node, settings, { email, failure, attempts: 0 }, bad);
		}
	}

	const recipients = new Map<string, Recipient>();
	for (const address of addresses) {
		if ('key' in address && !remembered.has(address.key) && !recipients.has(address.key)) {
			recipients.set(address.key, address);
		}
	}
	const { sent, sentBefore } = await skipSentBefore(
		this,
		settings,
		[...recipients.values()],
		remembered,
		async (toSend) => await sendAll(this, settings, toSend, remembered),
	);
	// n8n discards a cancelled execution's output and runs nothing after this node.
	if (this.getExecutionCancelSignal()?.aborted) return [[], [], []];

	const results = addresses.map((address): ItemResult | undefined => {
		if ('failure' in address) return { ...address, attempts: 0 };
		if (sentBefore.has(address.key)) return { email: address.email, sentBefore: true };
		// sendAll wrote every final answer into `remembered`; what it left in `sent` are failures.
		const answer = remembered.get(address.key);
		if (answer) return { email: address.email, answer };
		const failed = sent.get(address.key);
		return failed && 'failure' in failed ? { email: address.email, ...failed } : undefined;
	});

	if (settings.errorMode === 'stop') {
		const failed = results.findIndex((result) => result !== undefined && 'failure' in result);
		const result = results[failed];
		if (result && 'failure' in result) throw itemError(node, settings, result, failed);
	}
	// Only Stop Workflow stops sending (at a failure, thrown above): in every other case each
	// address has its result.
	if (!everyItemAnswered(results)) {
		const unanswered = results.indexOf(undefined);
		throw new NodeOperationError(node, `The address was not sent [item ${unanswered}]`, {
			itemIndex: unanswered,
			description: 'Sending stopped before this address was reached. Run the workflow again.',
		});
	}
	return routeItems(node, settings, items, results);
}

function everyItemAnswered(results: Array<ItemResult | undefined>): results is ItemResult[] {
	return results.every((result) => result !== undefined);
}
