// Lint as n8n's community package scanner does (@n8n/scan-community-package, buildScanConfig):
// @n8n/eslint-plugin-community-nodes recommended + no-console, and the eslint-plugin-n8n-nodes-base
// rulesets for package.json, credentials and nodes with the scanner's own off-overrides. It lints
// the sources (package.json, nodes/, credentials/) and the compiled dist/ that is shipped.
// Inline eslint-disable comments are ignored, as the scanner ignores them. `npm run lint` then
// runs n8n-node's own strict rules on the product files (eslint.strict.config.mjs).
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const scanned = ['package.json', '{nodes,credentials}/**/*.{js,ts,json}', 'dist/**/*.js'];
const scope = (configs) => configs.map((config) => ({ ...config, files: config.files ?? scanned }));

export default [
	{ ignores: ['node_modules/**', 'coverage/**', 'dist/**/*.d.ts', '**/*.mjs', '*.js', 'docs/**'] },
	{ linterOptions: { noInlineConfig: true } },
	...tseslint.configs.recommended.map((config) => ({
		...config,
		files: ['{harness,test,simulator,scripts,e2e,bench}/**/*.ts'],
	})),
	// Libraries apart from suites: harness/ and simulator/ import no suite; suites never import each other.
	...[
		['{harness,simulator}', ['test', 'e2e', 'bench']],
		['test', ['e2e', 'bench']],
		['e2e', ['test', 'bench']],
		['bench', ['test', 'e2e']],
	].map(([from, banned]) => ({
		files: [`${from}/**/*.ts`],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: banned.map((suite) => `**/${suite}/**`),
							message:
								'harness/ and simulator/ import no suite; test/, e2e/, bench/ never import each other',
						},
					],
				},
			],
		},
	})),
	...scope([
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
		{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
		{
			files: ['credentials/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['nodes/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json'], languageOptions: { parser: tseslint.parser } },
		{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
	]),
];
