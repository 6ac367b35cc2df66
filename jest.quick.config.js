/**
 * `npm run test:quick`: the inner loop. The unit tests and the node tests on one engine line (the
 * newest in harness/engine/engines.json), without the two suites that exist to put the node under load
 * (burst, load), and with every CPU busy. `npm test` runs everything, on every engine line.
 */
const full = require('./jest.config.js');
const engines = require('./harness/engine/engines.json');

const kept = ['unit', `n8n ${engines[engines.length - 1].n8n}`];
const underLoad = '/test/node/(burst|load)\\.test\\.ts$';

module.exports = {
	...full,
	maxWorkers: '100%',
	projects: full.projects
		.filter((project) => kept.includes(project.displayName))
		.map((project) => ({
			...project,
			testPathIgnorePatterns: [...(project.testPathIgnorePatterns ?? []), underLoad],
		})),
};
