import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failure, InvalidEmailReason } from '../../outcome/failure';
import { hasControlCharacter } from '../../text/controlCharacters';

/** A usable address with its comparison key, or why the item has none (`email` as given). */
export type Address = { email: string; key: string } | { email: string; failure: Failure };

// The default `={{ $json.email }}` is read straight from the item: the same value without
// n8n's expression evaluation, which would cost more than the rest of the item's work.
const DEFAULT_EMAIL_EXPRESSION = /^=\s*\{\{\s*\$json(?:\.email|\[\s*(['"])email\1\s*\])\s*\}\}\s*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL_LENGTH = 254;
const SEVERAL_ADDRESSES = /@[\s\S]*[\s,;][\s\S]*@/;

/** The trimmed address of every item, or why it has none. No request is sent for the latter. */
export function readAddresses(context: IExecuteFunctions, items: INodeExecutionData[]): Address[] {
	const raw = context.getNode().parameters.email;
	const direct = typeof raw === 'string' && DEFAULT_EMAIL_EXPRESSION.test(raw);
	return items.map((item, itemIndex) => {
		let value: unknown;
		try {
			value = direct ? item.json.email : context.getNodeParameter('email', itemIndex);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			return { email: '', failure: { kind: 'expression', message } };
		}
		return checkAddress(value);
	});
}

export function checkAddress(value: unknown): Address {
	const reason = invalidBecause(value);
	if (reason !== undefined || typeof value !== 'string') {
		return {
			email: typeof value === 'string' ? value : '',
			failure: { kind: 'invalidEmail', value, reason: reason ?? 'notText' },
		};
	}
	const email = value.trim();
	return { email, key: email.toLowerCase() };
}

function invalidBecause(value: unknown): InvalidEmailReason | undefined {
	if (value === undefined || value === null) return 'empty';
	if (typeof value !== 'string') return 'notText';
	const email = value.trim();
	if (email === '') return 'empty';
	// Control characters left after trimming: a NUL from a CSV import or an injected line
	// ("a@x.com\r\nBcc: …") is refused, not sent.
	if (hasControlCharacter(email)) return 'controlCharacter';
	if (SEVERAL_ADDRESSES.test(email)) return 'severalAddresses';
	if (email.length > MAX_EMAIL_LENGTH) return 'tooLong';
	return EMAIL.test(email) ? undefined : 'notAnAddress';
}
