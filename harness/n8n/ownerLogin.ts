import type { RealN8n } from './install';
import { ownerFromEnvironment, type Owner } from './owner';
import { RestError, type N8nRest } from './rest';

/** The REST login as the owner; on n8n 1.x the owner set up first, as the editor's first screen does. */
export async function logInAsOwner(real: RealN8n, rest: N8nRest, owner: Owner): Promise<void> {
	if (!ownerFromEnvironment(real.n8nVersion)) {
		try {
			await rest.call('POST', '/owner/setup', owner);
		} catch (e) {
			// a user folder kept between runs (npm run n8n) has its owner
			if (!(e instanceof RestError && e.status === 400 && /already/i.test(e.message))) throw e;
		}
	}
	await rest.login(owner);
}
