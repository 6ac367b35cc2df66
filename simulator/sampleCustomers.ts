import type { SimUser } from './types';

/** Demo customers: most still have to activate (Success), two already did (Already Activated). */
export const SAMPLE_CUSTOMERS: SimUser[] = [
	{ email: 'maria.garcia@northwind.example.com', status: 'invited' },
	{ email: 'li.wei@bluepeak-hosting.example.net', status: 'invited' },
	{ email: 'ops@fjordstream.example.org', status: 'active' },
	{ email: 'james.okafor@lagoon-media.example.com', status: 'invited' },
	{ email: 'anna.schmidt@alpenrad.example.org', status: 'active' },
	{ email: 'devteam@quickcart.example.net', status: 'invited' },
];

/** An address the simulator does not know: the demo sends it to show Not Found. */
export const SAMPLE_UNKNOWN_EMAIL = 'no.such.customer@example.com';
