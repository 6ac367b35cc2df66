import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { apiToken } from '../nodes/GcoreIam/text/apiToken';

export class GcoreIamApi implements ICredentialType {
	name = 'gcoreIamApi';

	displayName = 'Gcore IAM API';

	icon: Icon = { light: 'file:../icons/gcore.svg', dark: 'file:../icons/gcore.dark.svg' };

	documentationUrl = 'https://github.com/gcore-iam/n8n-nodes-gcore-iam#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A permanent API token of your reseller account (Gcore Customer Portal → Profile → API tokens). Paste it with or without the leading "apikey".',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.gcore.com',
			description:
				'Address of the Gcore API, starting with https:// and without a query (?) or fragment (#). Change it only if your reseller API runs on your own domain (https://api.your-domain).',
		},
		{
			// Shown while the Base URL has the wrong shape, as it is typed: the Test (a declarative
			// request) could only report n8n's bare error code, such as ERR_INVALID_URL.
			// Plain comparisons only: n8n evaluates these conditions at every use of the credential,
			// and a regex condition runs in a vm with a 250 ms timeout that a busy n8n can miss.
			// n8n has no "does not start with", so a wrong start is "sorts outside the addresses
			// that start with http or HTTP" (a mixed-case scheme such as Https:// shows it too).
			displayName:
				'The Base URL must start with https:// (for example https://api.gcore.com), with no spaces, user name, query (?) or fragment (#). The node refuses any other Base URL before it sends anything.',
			name: 'baseUrlNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					baseUrl: [
						{ _cnd: { lt: 'HTTP' } },
						{ _cnd: { between: { from: 'HTTQ', to: 'http' } } },
						{ _cnd: { gte: 'httq' } },
						{ _cnd: { includes: ' ' } },
						{ _cnd: { includes: '@' } },
						{ _cnd: { includes: '?' } },
						{ _cnd: { includes: '#' } },
					],
				},
			},
		},
	];

	// A function rather than a generic expression: n8n runs it for every request, and evaluating
	// an expression there cost a fifth of the node's CPU per item.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const token = apiToken(String(credentials.apiKey ?? ''));
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `apikey ${token}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ String($credentials.baseUrl || "https://api.gcore.com").trim().replace(/\\/+$/, "") }}',
			url: '/iam/clients/me',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Gcore rejected the API key. Create a permanent API token in the Gcore Customer Portal and paste it here.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Gcore API answered at this Base URL. Use https://api.gcore.com or your own reseller API domain.',
				},
			},
		],
	};
}
