/**
 * Fixtures for the SCIM tests: the Northern Lights consortium in institution-zone management with
 * email domains on every zone, its people, a zone token issued through the console's API, and
 * SCIM requests as an identity provider sends them (real HTTP, `application/scim+json`).
 */
import { SCIM_URN } from '../../src/lib/shared';
import { createAccount } from '../../server/auth/accounts';
import { createProject, putMember } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';
import type { TestServer } from './server';
import { signedIn } from './workflows';

export const ADDRESS = {
	nadia: 'nadia@office.example.org',
	ian: 'ian@aurora.example.edu',
	ivy: 'ivy@aurora.example.edu',
	bea: 'bea@borealis.example.edu'
} as const;

/**
 * Northern Lights (institution-zone management): the Office (office.example.org), Aurora
 * (aurora.example.edu) and Borealis (borealis.example.edu). `pa` "Aurora Analytics" (Aurora's):
 * nadia, Project Admin from the Office; ivy, Project Admin of Aurora; ian, Analyst of Aurora.
 * `pb` "Borealis Analytics" (Borealis's): bea, its only Project Admin.
 */
export function setUpLights(server: Pick<TestServer, 'app'>): void {
	const { db, authDb, registry } = server.app;
	const consortium = createConsortium(db, {
		id: 'lights',
		name: 'Northern Lights',
		mode: 'institution-zone',
		zones: [
			{ id: 'nz', kind: 'network', name: 'Office', emailDomains: ['office.example.org'] },
			{ id: 'aurora', kind: 'institution', name: 'Aurora', emailDomains: ['aurora.example.edu'] },
			{
				id: 'borealis',
				kind: 'institution',
				name: 'Borealis',
				emailDomains: ['borealis.example.edu']
			}
		]
	});
	createProject(db, registry, consortium, {
		id: 'pa',
		name: 'Aurora Analytics',
		ownerZoneId: 'aurora'
	});
	createProject(db, registry, consortium, {
		id: 'pb',
		name: 'Borealis Analytics',
		ownerZoneId: 'borealis'
	});
	const members = [
		['pa', 'nadia', 'admin', 'nz'],
		['pa', 'ivy', 'admin', 'aurora'],
		['pa', 'ian', 'analyst', 'aurora'],
		['pb', 'bea', 'admin', 'borealis']
	] as const;
	for (const [projectId, accountId, role, zoneId] of members) {
		createAccount(authDb, {
			id: accountId,
			email: ADDRESS[accountId],
			name: `Name of ${accountId}`
		});
		putMember(db, registry, projectId, {
			accountId,
			email: ADDRESS[accountId],
			name: `Name of ${accountId}`,
			role,
			zoneId
		});
	}
}

/** The zone's token, issued by nadia through the console's API. */
export async function issueZoneToken(server: TestServer, zoneId: string): Promise<string> {
	const answer = await signedIn(server, 'nadia').post(
		`/api/consortia/lights/scim/zones/${zoneId}/token`
	);
	if (answer.status !== 201) throw new Error(`Issuing a token answered ${answer.status}`);
	return answer.body.token as string;
}

export interface ScimAnswer {
	status: number;
	headers: Headers;
	// The SCIM body as JSON; tests assert on its shape.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
}

/** A SCIM request as an identity provider sends it: a bearer token, a SCIM JSON body. */
export async function scim(
	server: Pick<TestServer, 'url'>,
	method: string,
	path: string,
	init: { token?: string | null; body?: unknown; raw?: string; contentType?: string } = {}
): Promise<ScimAnswer> {
	const headers: Record<string, string> = {};
	if (init.token) headers.Authorization = `Bearer ${init.token}`;
	const payload = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
	if (payload !== undefined) headers['Content-Type'] = init.contentType ?? 'application/scim+json';
	const response = await fetch(`${server.url}/scim/v2${path}`, { method, headers, body: payload });
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		body: text ? JSON.parse(text) : null
	};
}

/** A User as Entra ID creates one. */
export function newUser(userName: string, extra: Record<string, unknown> = {}) {
	return {
		schemas: [SCIM_URN.user, SCIM_URN.enterpriseUser],
		externalId: `ext-${userName}`,
		userName,
		active: true,
		displayName: `Display ${userName.split('@')[0]}`,
		name: { givenName: 'Given', familyName: 'Family' },
		emails: [{ primary: true, type: 'work', value: userName }],
		[SCIM_URN.enterpriseUser]: { department: 'Loans' },
		...extra
	};
}

/** A PatchOp body. */
export function patch(...operations: unknown[]) {
	return { schemas: [SCIM_URN.patchOp], Operations: operations };
}
