import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { resendInvitationProperties } from './actions/resendInvitation/description';

export class GcoreIam implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gcore IAM',
		name: 'gcoreIam',
		icon: { light: 'file:../../icons/gcore.svg', dark: 'file:../../icons/gcore.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "resendInvitation" ? "Resend invitation" : $parameter["operation"] }}',
		description: 'Resend the activation invitation to a customer of your Gcore reseller account',
		defaults: { name: 'Gcore IAM' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// One output per outcome, in this order: part of the contract.
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Success', 'Already Activated', 'Not Found'],
		credentials: [{ name: 'gcoreIamApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Resend Invitation',
						value: 'resendInvitation',
						description: "Send the customer's activation email again",
						action: 'Resend invitation',
					},
				],
				default: 'resendInvitation',
			},
			...resendInvitationProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
