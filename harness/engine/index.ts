/**
 * In-process n8n engine harness: runs workflows through n8n-core's real WorkflowExecute with
 * the built package loaded from dist/ as n8n loads it. Used by the Jest tests, the demo and
 * the benchmark. `./env` must be (and here is) imported before n8n-core.
 */
import './env';

export { harnessUserFolder } from './env';
export { runWorkflow } from './runWorkflow';
export type { RunOptions, RunResult, WorkflowDefinition } from './runWorkflow';
export { gcoreWorkflow, AGENT_NODE_NAME, GCORE_NODE_TYPE } from './gcoreWorkflow';
export type { GcoreWorkflowOptions } from './gcoreWorkflow';
/** Re-exported for test/node, which imports the node's name from here. */
export { GCORE_NODE_NAME } from '../names';
export { testCredential } from './credentialTest';
export { harnessTypes, registerCredentialType, registerNodeType } from './nodeTypes';
export { loadPackage, PackageNotBuiltError, REPO_ROOT } from './loadPackage';
export { restartNodeProcess } from './restart';
export { TEST_ITEMS_TYPE, TEST_TOOL_CALLER_TYPE } from './testNodes';
export { engine, engineDiffers } from './engineLine';
