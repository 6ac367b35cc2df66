// Synthetic CRM customers and the simulator users answering for them: of every 20, 18 invited (200,
// e-mailed), one already active (400), one unknown (404). `offset` (a multiple of 20): customers of a run's own.
import type { IDataObject } from 'n8n-workflow';

import type { SimUser } from '../simulator';

export const expectedOutcome = (index: number) =>
	index % 20 === 7 ? 'alreadyActivated' : index % 20 === 13 ? 'notFound' : 'sent';

export const customers = (count: number, offset = 0): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({
		id: 100_000 + offset + i,
		name: `Customer ${offset + i}`,
		email: `customer.${String(offset + i).padStart(6, '0')}@bench.example.com`,
	}));

export const simulatorUsers = (count: number, offset = 0): SimUser[] =>
	customers(count, offset).flatMap((customer, i): SimUser[] => {
		const outcome = expectedOutcome(offset + i);
		if (outcome === 'notFound') return [];
		return [{ email: String(customer.email), status: outcome === 'sent' ? 'invited' : 'active' }];
	});
