import type { Answer } from './api';
import type { SimState } from './state';

export const CONTROL_PREFIX = '/__sim/';

/** The control API used out of process (benchmark, e2e). No auth: it only listens on 127.0.0.1. */
export function controlAnswer(
	state: SimState,
	method: string | undefined,
	path: string,
	raw: string,
): Answer {
	const route = `${method} ${path}`;
	try {
		switch (route) {
			case 'GET /__sim/stats':
				return { status: 200, body: state.stats() };
			case 'POST /__sim/reset':
				state.reset();
				return ok();
			case 'POST /__sim/config':
				state.configure(objectBody(raw) as object);
				return ok();
			case 'POST /__sim/users':
				state.setUsers(JSON.parse(raw));
				return ok();
			case 'POST /__sim/faults': {
				const { email, fault } = objectBody(raw) as { email: string; fault: unknown };
				state.addFault(email, fault as object);
				return ok();
			}
			default:
				return { status: 404, body: { error: `no control endpoint ${route}` } };
		}
	} catch (error) {
		return { status: 400, body: { error: (error as Error).message } };
	}
}

function ok(): Answer {
	return { status: 200, body: { ok: true } };
}

function objectBody(raw: string): unknown {
	const value: unknown = JSON.parse(raw);
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new TypeError('the body must be a JSON object');
	}
	return value;
}
