/** The instance owner: from the environment on n8n 2.17+ (N8N_INSTANCE_OWNER_*); 1.x has no such variables (ownerLogin.ts). */
import { createRequire } from 'node:module';

import type { RealN8n } from './install';

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEMO_OWNER: Owner = {
	email: 'owner@example.com',
	password: 'Gcore-IAM-demo1',
	firstName: 'Demo',
	lastName: 'Owner',
};

export function ownerFromEnvironment(version: string): boolean {
	const [major, minor] = version.split('.').map(Number);
	return major > 2 || (major === 2 && minor >= 17);
}

export function ownerEnv(real: RealN8n, owner: Owner): NodeJS.ProcessEnv {
	if (!ownerFromEnvironment(real.n8nVersion)) return {};
	// n8n only accepts a bcrypt hash here
	const bcrypt = createRequire(real.n8nBin)('bcryptjs') as {
		hashSync(pw: string, rounds: number): string;
	};
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(owner.password, 10),
	};
}
