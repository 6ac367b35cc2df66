import type { INodeProperties } from 'n8n-workflow';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONCURRENCY = 5;
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_SKIP_IF_INVITED_WITHIN_MINUTES = 10;

const showFor = { show: { operation: ['resendInvitation'] } };

export const resendInvitationProperties: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'e.g. nathan@example.com',
		default: '={{ $json.email }}',
		required: true,
		displayOptions: showFor,
		description:
			'Address of the customer whose activation email is sent again. Items with the same address (ignoring case) get one email.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: showFor,
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
				default: DEFAULT_CONCURRENCY,
				description:
					'How many requests may be in flight at once, also together with the other executions of this node that use the same credential. When the API answers 429, the node waits and sends fewer at a time on its own.',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
				default: DEFAULT_MAX_RETRIES,
				description:
					'How often one address is tried again after a gateway or server error (500, 502, 503, 504), a lost connection or a timeout. 0 disables retries. Rate limits (429) are waited out without using retries, up to 60 s per address.',
			},
			{
				displayName: 'Skip If Invited Within (Minutes)',
				name: 'skipIfInvitedWithin',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1440, numberPrecision: 0 },
				default: DEFAULT_SKIP_IF_INVITED_WITHIN_MINUTES,
				description:
					'An address this node emailed successfully within this many minutes (in any execution) is not sent again; the item leaves on Success with outcome "sentBefore". 0 turns the check off. A retried execution never emails an address again within 24 hours, whatever this says.',
			},
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TIMEOUT_MS,
				description: 'How long to wait for each answer, in milliseconds',
			},
		],
	},
];
