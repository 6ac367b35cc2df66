/** Assertions the scenarios share: where each customer came out, what the simulator received, no key anywhere. */
import * as assert from 'node:assert/strict';

import { SAMPLE_CUSTOMERS, type SimulatorStats } from '../simulator';
import { describeCliResult, type CliResult } from '../harness/n8n/cli';
import { nodeOutputs, type N8nItem, type N8nRun } from '../harness/n8n/runData';
import type { SimulatorProcess } from '../harness/simulatorProcess';
import { GCORE_NODE_NAME, OUTPUT_NAMES } from '../harness/names';

export const INVITED = SAMPLE_CUSTOMERS.filter((c) => c.status === 'invited').map((c) => c.email);
export function none(found: string[], what: string): void {
	assert.deepEqual(found.slice(0, 10), [], what);
}

/** invitation.outcome per output */
export const OUTCOMES = ['sent', 'alreadyActivated', 'notFound'];

export function emails(items: N8nItem[]): string[] {
	return items.map((i) => String(i.json.email));
}

function expectedOutput(email: string): number {
	const user = SAMPLE_CUSTOMERS.find((u) => u.email.toLowerCase() === email.toLowerCase());
	return !user ? 2 : user.status === 'invited' ? 0 : 1;
}

export function assertRanOk(run: N8nRun | undefined, r: CliResult): asserts run is N8nRun {
	assert.ok(run, `no run JSON in the output. ${describeCliResult('execute', r)}`);
	assert.equal(r.code, 0, describeCliResult('execute', r));
	const { error } = run.data.resultData;
	assert.equal(error, undefined, `the run has an error: ${JSON.stringify(error)}`);
}

/** Every address not in `failing` on its expected output, in input order, with its input fields and outcome. */
export function assertBranches(run: N8nRun, inputs: N8nItem[], failing: Set<string>): string {
	const outs = nodeOutputs(run, GCORE_NODE_NAME);
	assert.ok(outs.length >= 3, `${GCORE_NODE_NAME} produced ${outs.length} outputs, expected 3`);
	for (let k = 0; k < 3; k++) {
		const want = emails(inputs).filter((e) => !failing.has(e) && expectedOutput(e) === k);
		const strays = outs[k].filter((i) => !want.includes(String(i.json.email)));
		const shown = strays.length
			? `; items that do not belong there: ${JSON.stringify(strays.map((i) => i.json)).slice(0, 1500)}`
			: '';
		assert.deepEqual(emails(outs[k]), want, `output ${k} "${OUTPUT_NAMES[k]}"${shown}`);
		for (const item of outs[k]) {
			const who = `"${OUTPUT_NAMES[k]}" item ${String(item.json.email)}`;
			const input = inputs.find((i) => i.json.email === item.json.email)!;
			for (const [key, value] of Object.entries(input.json))
				assert.deepEqual(item.json[key], value, `${who} keeps input field ${key}`);
			const inv = item.json.invitation as { outcome?: string } | undefined;
			assert.equal(inv?.outcome, OUTCOMES[k], `${who}: invitation.outcome`);
		}
	}
	return outs
		.slice(0, 3)
		.map((o, k) => `${OUTPUT_NAMES[k]}: ${o.length}`)
		.join(', ');
}

export function assertNoKey(key: string, ...texts: string[]): void {
	for (const t of texts) assert.ok(!t.includes(key), 'the API key appears in n8n output');
}

function renewals(stats: SimulatorStats) {
	return stats.log.filter((l) => l.path === '/iam/auth/renew_invitation');
}

export function answersByAddress(stats: SimulatorStats): Map<string, Array<number | string>> {
	const byAddress = new Map<string, Array<number | string>>();
	for (const l of renewals(stats)) {
		const email = String((l.body as { email?: string }).email).toLowerCase();
		byAddress.set(email, [...(byAddress.get(email) ?? []), l.status]);
	}
	return byAddress;
}

/** Every renew_invitation request carried the key; `counts`: requests per address (1 = no duplicate e-mail, 0 = never sent). */
export async function assertSimulatorSaw(
	sim: SimulatorProcess,
	key: string,
	counts: Record<string, number>,
): Promise<string> {
	const stats = await sim.stats();
	const renew = renewals(stats);
	for (const entry of renew) {
		assert.equal(entry.method, 'POST');
		assert.equal(
			entry.authorization,
			`apikey ${key}`,
			'Authorization header the simulator received',
		);
	}
	for (const [address, n] of Object.entries(counts))
		assert.equal(stats.byEmail[address.toLowerCase()] ?? 0, n, `requests for ${address}`);
	return `${renew.length} requests, all with "Authorization: apikey <key>"`;
}

export function once(addresses: string[]): Record<string, number> {
	return Object.fromEntries(addresses.map((a) => [a, 1]));
}

/** A final answer: the API decided about the address (not a 429 or a server error, after which the node tries again). */
export function isFinalAnswer(status: number | string): boolean {
	return typeof status === 'number' && status !== 429 && status < 500;
}
