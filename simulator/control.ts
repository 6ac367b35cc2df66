import type { Answer } from './api';
import type { SimState } from './state';

export const CONTROL_PREFIX = '/__sim/';

/** The control API used out of process (benchmark, e2e). No auth: it only listens on 127.0.0.1. */
export function controlAnswer(state: SimState, route: string, raw: string): Answer {
	try {
		if (route === 'GET /__sim/stats') return { status: 200, body: state.stats() };
		if (route === 'POST /__sim/reset') state.reset();
		else if (route === 'POST /__sim/config') state.configure(JSON.parse(raw));
		else if (route === 'POST /__sim/faults') {
			const { email, fault } = JSON.parse(raw) as { email: string; fault: object };
			state.addFault(email, fault);
		} else return { status: 404, body: { error: `no control endpoint ${route}` } };
		return { status: 200, body: { ok: true } };
	} catch (error) {
		return { status: 400, body: { error: (error as Error).message } };
	}
}
