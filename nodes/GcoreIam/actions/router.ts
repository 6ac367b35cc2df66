import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resendInvitation } from './resendInvitation/execute';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0);
	switch (operation) {
		case 'resendInvitation':
			return await resendInvitation.call(this);
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${String(operation)}" is not supported`,
			);
	}
}
