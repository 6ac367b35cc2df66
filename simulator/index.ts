export { startSimulator } from './server';
export { GATEWAY_NOT_FOUND, ME_PATH, RENEW_PATH } from './api';
export { DEFAULT_API_KEY } from './state';
export { SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL } from './sampleCustomers';
export type { Fault, SimUser, Simulator, SimulatorOptions, SimulatorStats } from './types';
