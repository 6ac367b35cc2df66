/** In-process n8n engine: n8n-core's real WorkflowExecute with dist/ loaded as n8n loads it. */
import './env';

export { harnessUserFolder } from './env';
export { runWorkflow } from './runWorkflow';
export type { RunOptions, RunResult, WorkflowDefinition } from './runWorkflow';
export { gcoreWorkflow, AGENT_NODE_NAME, GCORE_NODE_TYPE } from './gcoreWorkflow';
export type { GcoreWorkflowOptions } from './gcoreWorkflow';
export { GCORE_NODE_NAME } from '../names';
export { testCredential } from './credentialTest';
export { harnessTypes, registerCredentialType, registerNodeType } from './nodeTypes';
export { loadPackage, PackageNotBuiltError, REPO_ROOT } from './loadPackage';
export { restartNodeProcess } from './restart';
export { engine, engineDiffers } from './engineLine';
