/**
 * A run's credentials helper, credentials given by type: what n8n-core calls for API-key
 * credentials, as n8n's CLI does it. preAuthentication exists, so httpRequestWithAuthentication
 * re-sends a request once after a 401.
 */
import './env';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	ICredentialsHelper,
	INodeParameters,
	Workflow,
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

		async authenticate(data, typeName, options, workflow?: Workflow, node?: INode) {
			const requestOptions = options as IHttpRequestOptions;
			const { authenticate } = typeOf(typeName);
			if (typeof authenticate === 'function') return await authenticate(data, requestOptions);
			if (authenticate?.type !== 'generic') return requestOptions;
			const resolve = (value: string): string =>
				value.startsWith('=')
					? String(
							workflow!.expression.getSimpleParameterValue(
								node!,
								value,
								'internal',
								{ $credentials: data },
								undefined,
								'',
							) ?? '',
						)
					: value;
			const target = requestOptions as unknown as Record<string, IDataObject | undefined>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as IDataObject)) {
					(target[outerKey] ??= {})[resolve(key)] = resolve(value as string);
				}
			}
			return requestOptions;
		},
	};
	return helper as ICredentialsHelper;
}
