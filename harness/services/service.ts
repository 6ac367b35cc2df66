/** A service n8n depends on (PostgreSQL, Redis: one file each here); every n8n process of an instance gets its n8nEnv(). */
export interface Service {
	name: string;
	/** Variables that point n8n at this service. */
	n8nEnv(): NodeJS.ProcessEnv;
	stop(): Promise<void>;
}
