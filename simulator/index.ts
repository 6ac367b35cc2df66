export { startSimulator } from './server';
export { DEFAULT_API_KEY } from './state';
export { SAMPLE_CUSTOMERS, SAMPLE_UNKNOWN_EMAIL } from './sampleCustomers';
export type { AnswerStatus, Fault, LogEntry, RandomFaults, SimUser, Simulator, SimulatorOptions, SimulatorStats } from './types';
