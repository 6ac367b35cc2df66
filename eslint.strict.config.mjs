// n8n's own strict lint for community nodes, as `n8n-node lint` runs it for n8n Cloud: the
// `config` export of @n8n/node-cli (eslint's and typescript-eslint's recommended rules, the
// community-nodes plugin with cloud support, import-x, and the eslint-plugin-n8n-nodes-base
// rulesets), unchanged. It applies to the product only (package.json, nodes/, credentials/):
// n8n-node would lint the whole repository, and our test and tooling folders are not shipped.
// Run by `npm run lint` after the scanner's rules (eslint.config.mjs).
import { config } from '@n8n/node-cli/eslint';

export default [
	{
		ignores: ['**/*', '!package.json', '!nodes/', '!nodes/**', '!credentials/', '!credentials/**'],
	},
	{ linterOptions: { noInlineConfig: true } },
	...config,
];
