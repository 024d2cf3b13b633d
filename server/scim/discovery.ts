/**
 * The SCIM service's description of itself (RFC 7644 §4; RFC 7643 §5-7): what it supports
 * (ServiceProviderConfig), its one resource type (User), and that type's schema, limited to the
 * attributes the console keeps. Identity providers read them when a connection is set up.
 */
import { SCIM_MAX_RESULTS, SCIM_URN } from '../../src/lib/shared';

export function serviceProviderConfig(baseUrl: string) {
	return {
		schemas: [SCIM_URN.serviceProviderConfig],
		patch: { supported: true },
		bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
		filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
		changePassword: { supported: false },
		sort: { supported: false },
		etag: { supported: false },
		authenticationSchemes: [
			{
				type: 'oauthbearertoken',
				name: 'Zone token',
				description:
					'The zone’s SCIM token, issued by the consortium office: Authorization: Bearer scim_…',
				primary: true
			}
		],
		meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` }
	};
}

export function userResourceType(baseUrl: string) {
	return {
		schemas: [SCIM_URN.resourceType],
		id: 'User',
		name: 'User',
		endpoint: '/Users',
		description: 'A person of the zone, with an account of the console',
		schema: SCIM_URN.user,
		meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` }
	};
}

const attribute = (
	name: string,
	description: string,
	options: Partial<{
		type: string;
		required: boolean;
		multiValued: boolean;
		mutability: string;
		uniqueness: string;
		caseExact: boolean;
		subAttributes: unknown[];
	}> = {}
) => ({
	name,
	type: options.type ?? 'string',
	multiValued: options.multiValued ?? false,
	description,
	required: options.required ?? false,
	caseExact: options.caseExact ?? false,
	mutability: options.mutability ?? 'readWrite',
	returned: 'default',
	uniqueness: options.uniqueness ?? 'none',
	...(options.subAttributes ? { subAttributes: options.subAttributes } : {})
});

export function userSchema(baseUrl: string) {
	return {
		schemas: [SCIM_URN.schema],
		id: SCIM_URN.user,
		name: 'User',
		description: 'A person of the zone; the console keeps these attributes and takes no others',
		attributes: [
			attribute('userName', 'The person’s email address, at one of the zone’s domains', {
				required: true,
				uniqueness: 'server'
			}),
			attribute('name', 'The person’s name', {
				type: 'complex',
				subAttributes: [
					attribute('givenName', 'Given name'),
					attribute('familyName', 'Family name'),
					attribute('formatted', 'The full name as it is shown')
				]
			}),
			attribute('displayName', 'The name the console shows; else the formatted or given names'),
			attribute('active', 'False: the person cannot sign in and has lost every membership', {
				type: 'boolean'
			}),
			attribute('externalId', 'The identity provider’s own identifier', { caseExact: true }),
			attribute('emails', 'The address, as userName (read only)', {
				type: 'complex',
				multiValued: true,
				mutability: 'readOnly',
				subAttributes: [attribute('value', 'The address', { mutability: 'readOnly' })]
			})
		],
		meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${SCIM_URN.user}` }
	};
}

/** A ListResponse (RFC 7644 §3.4.2) of everything there is, in one page. */
export function listOfAll(resources: unknown[]) {
	return {
		schemas: [SCIM_URN.listResponse],
		totalResults: resources.length,
		startIndex: 1,
		itemsPerPage: resources.length,
		Resources: resources
	};
}
