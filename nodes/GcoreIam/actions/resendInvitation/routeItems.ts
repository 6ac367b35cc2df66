import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import type { Route } from '../../outcome/classify';
import { buildItemError } from '../../outcome/failure';
import type { Failed, ItemResult } from '../../outcome/results';
import type { RunSettings } from '../../runSettings';

const OUTPUT_OF: Record<Route, number> = { sent: 0, alreadyActivated: 1, notFound: 2 };

export function itemError(
	node: INode,
	settings: RunSettings,
	result: { email: string } & Failed,
	itemIndex: number,
) {
	return buildItemError(node, result.failure, {
		itemIndex,
		email: result.email,
		attempts: result.attempts,
		baseUrl: settings.baseUrl,
		timeoutMs: settings.timeoutMs,
		apiKey: settings.apiKey,
	});
}

/**
 * One output item per input item, in input order within each output. As a tool everything goes
 * to the first output, the only one an agent reads. Failed items (continue modes) go to the
 * first output too; under "Continue (using error output)" n8n moves them to its Error output,
 * and putting them first lets n8n's Retry On Fail (which looks at the first item) see them.
 */
export function routeItems(
	node: INode,
	settings: RunSettings,
	items: INodeExecutionData[],
	results: ItemResult[],
): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = [[], [], []];
	const failedFirst: INodeExecutionData[] = [];
	results.forEach((result, itemIndex) => {
		const pairedItem = { item: itemIndex };
		if ('sentBefore' in result) {
			const invitation = { email: result.email, outcome: 'sentBefore', attempts: 0 };
			outputs[0].push({ json: { ...items[itemIndex].json, invitation }, pairedItem });
			return;
		}
		if ('answer' in result) {
			const { route, statusCode, attempts, message, requestId } = result.answer;
			const invitation = compact({
				email: result.email,
				outcome: route,
				statusCode,
				attempts,
				message,
				requestId,
			});
			outputs[settings.asTool ? 0 : OUTPUT_OF[route]].push({
				json: { ...items[itemIndex].json, invitation },
				pairedItem,
			});
			return;
		}
		const error = itemError(node, settings, result, itemIndex);
		const { email, attempts, statusCode, message, requestId } = result;
		const invitation = compact({
			email,
			outcome: 'failed',
			statusCode,
			attempts,
			message,
			requestId,
		});
		if (settings.errorMode === 'continueErrorOutput') {
			// Exactly `error` and `message`: the one json every n8n line (1.x: {error} or {error, message};
			// 2.x: any of error/message/details) moves to its Error output, adding the input item's
			// fields. An item with `.error` set would lose them on n8n 1.1xx and 2.x.
			failedFirst.push({
				json: { error: error.message, message: { ...invitation, description: error.description } },
				pairedItem,
			});
		} else {
			outputs[0].push({
				json: { ...items[itemIndex].json, error: error.message, invitation },
				pairedItem,
			});
		}
	});
	outputs[0] = failedFirst.length > 0 ? [...failedFirst, ...outputs[0]] : outputs[0];
	return outputs;
}

function compact(fields: IDataObject): IDataObject {
	for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
	return fields;
}
