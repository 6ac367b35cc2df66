/** The node's names as the tooling uses them (defined in nodes/GcoreIam/GcoreIam.node.ts, checked by test/node/packaging.test.ts). */

/** The node's display name and its canvas name in every workflow the tooling runs. */
export const GCORE_NODE_NAME = 'Gcore IAM';

/** The node's outputs by index (the Error output comes after them); also the branch nodes' names in harness/workflows/. */
export const OUTPUT_NAMES = ['Success', 'Already Activated', 'Not Found'] as const;
