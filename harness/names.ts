/** As defined in nodes/GcoreIam/GcoreIam.node.ts (test/node/packaging.test.ts); our node's canvas name in every workflow. */
export const GCORE_NODE_NAME = 'Gcore IAM';

/** Also the branch nodes' names in harness/workflows/. */
export const OUTPUT_NAMES = ['Success', 'Already Activated', 'Not Found'] as const;
