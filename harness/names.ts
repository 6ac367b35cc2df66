/**
 * The node's names as the tooling (harness, e2e, bench, scripts) uses them; the node itself
 * defines them in nodes/GcoreIam/GcoreIam.node.ts (displayName, defaults.name, outputNames) and
 * test/node/packaging.test.ts checks them there.
 */

/** The node's display name, and its name on the canvas (defaults.name) in every workflow the tooling runs, the example's included. */
export const GCORE_NODE_NAME = 'Gcore IAM';

/**
 * The node's three outputs, by index (n8n's Error output, when on, comes after them). In the
 * workflow shapes of harness/workflows/*.workflow.json each output feeds a node of the same name,
 * so these are also the branch nodes' names there (not in examples/: its branches have their own).
 */
export const OUTPUT_NAMES = ['Success', 'Already Activated', 'Not Found'] as const;
