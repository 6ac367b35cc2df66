import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { SentBefore } from '../../acrossExecutions/sentBefore';
import type { Answer, ItemResult, Recipient, SendResult } from '../../outcome/results';
import { startTry } from '../../sending/answerMemory';
import { sendAll } from '../../sending/sendAll';
import { readAddresses } from './readAddresses';
import { itemError, routeItems } from './routeItems';
import { readSettings } from './settings';

/** Read addresses → skip those sent before → send, recording each 2xx → route. */
export async function resendInvitation(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[], [], []];
	const node = this.getNode();
	const settings = await readSettings(this);
	// "Stop Workflow": a bad address stops the run before anyone is e-mailed (so that a fixed
	// re-run e-mails each once); a failed send stops further sends, and the run fails with it.
	const stopAtFailure = settings.errorMode === 'stop';
	const addresses = readAddresses(this, items);
	const bad = addresses.findIndex((address) => 'failure' in address);
	const badAddress = addresses[bad];
	if (stopAtFailure && badAddress && 'failure' in badAddress)
		throw itemError(node, settings, { ...badAddress, attempts: 0 }, bad);

	// What n8n's earlier tries of this run (Retry On Fail) got an answer for is not sent again.
	const thisTry = startTry(this);
	const outcomes = new Map<string, SendResult | { sentBefore: true }>();
	for (const [key, answer] of thisTry.answers) outcomes.set(key, { answer });
	const recipients = new Map<string, Recipient>();
	for (const address of addresses)
		if ('key' in address && !outcomes.has(address.key)) recipients.set(address.key, address);

	const sentBefore = new SentBefore(this, settings.skipIfInvitedWithin);
	let output: INodeExecutionData[][] | undefined;
	try {
		const checked = await sentBefore.check([...recipients.values()]);
		for (const { key } of checked.sentBefore) outcomes.set(key, { sentBefore: true });
		const sent = await sendAll(this, settings, checked.send, {
			stopAtFailure,
			onResult: (key, result) => sentBefore.settled(key, result),
		});
		for (const [key, result] of sent) outcomes.set(key, result);
		// n8n discards a cancelled execution's output and runs nothing after this node.
		if (this.getExecutionCancelSignal()?.aborted) return (output = [[], [], []]);

		const results = addresses.map((address): ItemResult | undefined => {
			if ('failure' in address) return { ...address, attempts: 0 };
			const outcome = outcomes.get(address.key);
			return outcome && { email: address.email, ...outcome };
		});
		const failed = results.findIndex((result) => result && 'failure' in result);
		const failure = results[failed];
		if (stopAtFailure && failure && 'failure' in failure)
			throw itemError(node, settings, failure, failed);
		// Only Stop Workflow stops sending: in every other mode each address has its result.
		const unanswered = results.indexOf(undefined);
		if (unanswered >= 0) {
			throw new NodeOperationError(node, `The address was not sent [item ${unanswered}]`, {
				itemIndex: unanswered,
				description: 'Sending stopped before this address was reached. Run the workflow again.',
			});
		}
		output = routeItems(node, settings, items, results as ItemResult[]);
		return output;
	} finally {
		// Before the node returns or throws: every record written, every send in flight let go.
		await sentBefore.end();
		const answers = new Map<string, Answer>();
		for (const [key, outcome] of outcomes)
			if ('answer' in outcome) answers.set(key, outcome.answer);
		thisTry.end(output, answers);
	}
}
