/**
 * Synthetic CRM customers for the benchmark, and the simulator users that answer for them:
 * out of every 20 customers, 18 are invited (200, e-mail sent), one has already activated
 * (400) and one is unknown (404), so every run exercises all three routes.
 */
import type { IDataObject } from 'n8n-workflow';

import type { SimUser } from '../simulator';

export type Expected = 'sent' | 'alreadyActivated' | 'notFound';

export function expectedOutcome(index: number): Expected {
	if (index % 20 === 7) return 'alreadyActivated';
	if (index % 20 === 13) return 'notFound';
	return 'sent';
}

export function customerEmail(index: number): string {
	return `customer.${String(index).padStart(5, '0')}@bench.example.com`;
}

/** Items as a CRM trigger would emit them. */
export function customers(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, index) => ({
		id: 100_000 + index,
		name: `Customer ${index}`,
		company: `Company ${index % 97}`,
		email: customerEmail(index),
	}));
}

export function simulatorUsers(count: number): SimUser[] {
	const users: SimUser[] = [];
	for (let index = 0; index < count; index++) {
		const outcome = expectedOutcome(index);
		if (outcome === 'notFound') continue;
		users.push({ email: customerEmail(index), status: outcome === 'sent' ? 'invited' : 'active' });
	}
	return users;
}

export function expectedCounts(count: number): Record<Expected, number> {
	const counts: Record<Expected, number> = { sent: 0, alreadyActivated: 0, notFound: 0 };
	for (let index = 0; index < count; index++) counts[expectedOutcome(index)]++;
	return counts;
}
