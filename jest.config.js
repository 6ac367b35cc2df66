/**
 * Tests are TypeScript, transpiled only (type-checking is `npm run typecheck`).
 *
 * The engine-level tests (test/engine, test/node) run once per n8n engine in
 * harness/engine/engines.json, each as its own Jest project: `n8n-core` and `n8n-workflow` (and
 * their subpaths) resolve to that engine's n8n-core and to the n8n-workflow that n8n-core itself
 * resolves, for every module loaded, the built package in dist/ included, as in an n8n that
 * runs the package as a community node. Tests that touch no engine run once.
 */
const { dirname, join } = require('node:path');

const engines = require('./harness/engine/engines.json');

const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 60000,
};

function packageDir(main) {
	let dir = dirname(main);
	while (!require('node:fs').existsSync(join(dir, 'package.json'))) dir = dirname(dir);
	return dir;
}

// burst and load put the node under load, not the engine: they run on the newest line only.
// What the lines do differently around the node is pinned on every line by test/engine and the
// rest of test/node (Retry On Fail, continue modes, cancel, concurrent executions in sentBefore).
const underLoad = '/test/node/(burst|load)\\.test\\.ts$';

function engineProject(engine, index) {
	const newest = index === engines.length - 1;
	const coreMain = require.resolve(engine.corePackage);
	const coreDir = packageDir(coreMain);
	const workflowMain = require.resolve('n8n-workflow', { paths: [coreDir] });
	const workflowDir = packageDir(workflowMain);
	return {
		...common,
		displayName: `n8n ${engine.n8n}`,
		testMatch: ['<rootDir>/test/{engine,node}/**/*.test.ts'],
		testPathIgnorePatterns: ['/test/node/packaging\\.test\\.ts$', ...(newest ? [] : [underLoad])],
		moduleNameMapper: {
			'^n8n-core$': coreMain,
			'^n8n-core/(.*)$': `${coreDir}/$1`,
			'^n8n-workflow$': workflowMain,
			'^n8n-workflow/(.*)$': `${workflowDir}/$1`,
		},
		// What this project is meant to load, independent of the mapping above (engineIdentity.test.ts).
		globals: { N8N_TEST_ENGINE: { ...engine, coreMain, workflowMain } },
	};
}

module.exports = {
	testTimeout: 60000,
	// Jest's default is one worker fewer than the CPUs: on CI's two cores that ran one file at a
	// time and left a core idle.
	maxWorkers: '100%',
	// After the n8n-core 1.122.48 tests, the process is held open by something that neither
	// --detectOpenHandles nor process.getActiveResourcesInfo() shows (1.84.0 and 2.41.1 exit
	// cleanly); without this, Jest never exits.
	forceExit: true,
	projects: [
		...engines.map(engineProject),
		{
			...common,
			displayName: 'unit',
			testMatch: [
				'<rootDir>/test/{unit,simulator}/**/*.test.ts',
				'<rootDir>/test/node/packaging.test.ts',
			],
		},
	],
};
