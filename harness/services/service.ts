/**
 * A service n8n depends on, run by the e2e as its own process on loopback (PostgreSQL, Redis for
 * queue mode: one file per service in this folder, started through processes.ts). n8n only needs
 * to know how to reach it: its environment variables (DB_*, QUEUE_BULL_REDIS_*), which every n8n
 * process of an instance (main, workers) gets through N8nOptions.services.
 */
export interface Service {
	name: string;
	/** Variables that point n8n at this service. */
	n8nEnv(): NodeJS.ProcessEnv;
	stop(): Promise<void>;
}
