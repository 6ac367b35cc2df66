// A run's credentials helper, credentials given by type, as n8n's CLI does it for API-key
// credentials. preAuthentication exists, so httpRequestWithAuthentication re-sends once after a 401.
import './env';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsHelper,
	IHttpRequestOptions,
	INodeParameters,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

export function harnessCredentialsHelper(
	credentialTypes: ReadonlyMap<string, ICredentialType>,
	credentials: Record<string, ICredentialDataDecryptedObject> = {},
): ICredentialsHelper {
	const typeOf = (name: string): ICredentialType => {
		const type = credentialTypes.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}" in the test harness`);
		return type;
	};
	const helper: Partial<ICredentialsHelper> = {
		getParentTypes: (name) => typeOf(name).extends ?? [],
		isCredentialUsableByNode: () => true,
		getCredentialsProperties: (name) => typeOf(name).properties,
		preAuthentication: async () => undefined,

		async getDecrypted(_additionalData, _nodeCredentials, type) {
			if (!credentials[type]) throw new Error(`runWorkflow got no credential of type "${type}"`);
			const data = credentials[type] as INodeParameters;
			const filled = NodeHelpers.getNodeParameters(
				typeOf(type).properties,
				data,
				true,
				false,
				null,
				null,
			);
			return (filled ?? {}) as ICredentialDataDecryptedObject;
		},

		// Function-style `authenticate` only: ours and the test credentials' (no generic expressions).
		async authenticate(data, typeName, options) {
			const { authenticate } = typeOf(typeName);
			if (typeof authenticate !== 'function')
				throw new Error(
					`credential type "${typeName}": the harness runs authenticate functions only`,
				);
			return await authenticate(data, options as IHttpRequestOptions);
		},
	};
	return helper as ICredentialsHelper;
}
