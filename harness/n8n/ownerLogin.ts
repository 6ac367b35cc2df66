/**
 * The REST login as the owner. Where n8n could not take the owner from the environment (n8n 1.x,
 * owner.ts), it is set up first as the editor's first screen does, with POST /rest/owner/setup.
 */
import type { RealN8n } from './install';
import { ownerFromEnvironment, type Owner } from './owner';
import { RestError, type N8nRest } from './rest';

/** Sets the owner up on a running n8n that could not take it from the environment, then logs in. */
export async function logInAsOwner(real: RealN8n, rest: N8nRest, owner: Owner): Promise<void> {
	if (!ownerFromEnvironment(real.n8nVersion)) {
		try {
			await rest.call('POST', '/owner/setup', owner);
		} catch (e) {
			// A user folder kept between runs (npm run n8n) already has its owner.
			if (!(e instanceof RestError && e.status === 400 && /already/i.test(e.message))) throw e;
		}
	}
	await rest.login(owner);
}
