import type { Route } from './classify';
import type { Failure } from './failure';

// What one address and one item come to, from the send to the output: one family of types.

/** An address to send to. `key` names it across items: the same address in two items is sent once. */
export interface Recipient {
	key: string;
	email: string;
}

/** The API's final answer for an address: sending again would e-mail the customer again. */
export interface Answer {
	route: Route;
	statusCode: number;
	attempts: number;
	message?: string;
	requestId?: string;
}

/** No final answer: what failed, and what the API said last, if anything. */
export interface Failed {
	failure: Failure;
	attempts: number;
	statusCode?: number;
	message?: string;
	requestId?: string;
}

/** What sending to one address came to. */
export type SendResult = { answer: Answer } | Failed;

/** What one item came to: its address's send, or not sent because a recorded send reached it not long ago. */
export type ItemResult = { email: string } & (SendResult | { sentBefore: true });
