/**
 * SCIM provisioning over real HTTP and sockets, as an identity provider and the people it
 * provisions see it: the consortium office issues, replaces and revokes a zone's token; the
 * provider creates, reads, finds, pages, replaces, deactivates, reactivates and deletes the zone's
 * people; deactivating ends every membership, session, link and open sync connection at once and
 * is audited "by <zone>'s identity provider"; a zone's token reaches only its own people; every
 * mistake is a SCIM error response.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCIM_URN, type AuditPage } from '../../src/lib/shared';
import { issueToken } from '../../server/auth/tokens';
import { performNow } from '../../server/db/work';
import { setAccountPassword } from '../../server/auth/accounts';
import { hashPassword } from '../../server/auth/passwords';
import { createConsortium } from '../../server/consortium/store';
import { issueTokenByOffice } from '../../server/scim/token-admin';
import { FAST_PASSWORD_COST } from '../support/auth';
import { captureLog } from '../support/log';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import { ADDRESS, issueZoneToken, newUser, patch, scim, setUpLights } from '../support/scim';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue } from '../support/sync';
import { signedIn, startWorkflowServer } from '../support/workflows';

let server: TestServer;
const clients: SyncClient[] = [];

beforeEach(async () => {
	server = await startWorkflowServer();
	setUpLights(server);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

async function consortiumLog(): Promise<string[]> {
	const answer = await signedIn(server, 'nadia').get('/api/consortia/lights/audit');
	expect(answer.status).toBe(200);
	return (answer.body as AuditPage).entries.map((entry) => entry.sentence);
}

async function projectLog(projectId: string, as: string): Promise<string[]> {
	const answer = await signedIn(server, as).get(`/api/projects/${projectId}/audit`);
	expect(answer.status).toBe(200);
	return (answer.body as AuditPage).entries.map((entry) => entry.sentence);
}

function expectScimError(
	answer: { status: number; body: unknown; headers: Headers },
	status: number,
	scimType?: string
) {
	expect(answer.status).toBe(status);
	expect(answer.headers.get('content-type')).toMatch(/^application\/scim\+json/);
	expect(answer.body).toMatchObject({ schemas: [SCIM_URN.error], status: String(status) });
	expect((answer.body as { detail: string }).detail).toEqual(expect.any(String));
	if (scimType) expect(answer.body).toMatchObject({ scimType });
	else expect(answer.body).not.toHaveProperty('scimType');
}

const isMember = (projectId: string, accountId: string) =>
	serverValue(server, `project/${projectId}`, 'members', accountId) !== undefined;

const sessionsOf = (accountId: string) =>
	server.app.db
		.prepare('SELECT COUNT(*) FROM sessions WHERE account_id = ?')
		.pluck()
		.get(accountId);

/** Signs in with a fresh sign-in link to the address, as the sign-in page would. */
function signInWithFreshLink(email: string) {
	const { token } = performNow(
		server.app.db,
		issueToken(server.app.authDb.settings, { purpose: 'sign-in', email })
	);
	return new TestClient(server).post('/api/auth/link/consume', { token });
}

describe('the zones’ tokens', () => {
	it('are issued, replaced and revoked by the Network Zone’s Project Admins only', async () => {
		for (const accountId of ['ivy', 'ian', 'bea']) {
			const client = signedIn(server, accountId);
			const issued = await client.post('/api/consortia/lights/scim/zones/aurora/token');
			expect([issued.status, issued.body.error.code]).toEqual([403, 'not-network-zone-admin']);
			expect((await client.get('/api/consortia/lights/scim')).status).toBe(403);
		}
		const nadia = signedIn(server, 'nadia');
		expect((await nadia.post('/api/consortia/lights/scim/zones/atlantis/token')).status).toBe(404);

		const first = await issueZoneToken(server, 'aurora');
		expect(first).toMatch(/^scim_[a-z2-7]{32}\.[a-z2-7]{32}$/);
		expect((await scim(server, 'GET', '/Users', { token: first })).status).toBe(200);
		const stored = server.app.db.prepare('SELECT * FROM scim_tokens').all();
		expect(JSON.stringify(stored)).not.toContain(first.split('.')[1]);

		const replaced = await nadia.post('/api/consortia/lights/scim/zones/aurora/token');
		expect([replaced.status, replaced.body.replaced]).toEqual([201, true]);
		const refused = await scim(server, 'GET', '/Users', { token: first });
		expectScimError(refused, 401);
		expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="SCIM"');
		expect((await scim(server, 'GET', '/Users', { token: replaced.body.token })).status).toBe(200);

		const overview = await nadia.get('/api/consortia/lights/scim');
		expect(overview.body.baseUrl).toBe(`${server.url}/scim/v2`);
		expect(overview.body.zones.find((zone: { id: string }) => zone.id === 'aurora').token).toEqual({
			issuedAt: expect.any(Number),
			issuedByName: 'Name of nadia',
			lastUsedAt: expect.any(Number)
		});
		expect(JSON.stringify(overview.body)).not.toContain(replaced.body.token);

		expect((await nadia.delete('/api/consortia/lights/scim/zones/aurora/token')).status).toBe(204);
		expectScimError(await scim(server, 'GET', '/Users', { token: replaced.body.token }), 401);
		const again = await nadia.delete('/api/consortia/lights/scim/zones/aurora/token');
		expect([again.status, again.body.error.code]).toEqual([404, 'scim-token-not-found']);
		expect(await consortiumLog()).toEqual([
			'Name of nadia revoked Aurora’s provisioning (SCIM) token',
			'Name of nadia replaced Aurora’s provisioning (SCIM) token: the old one no longer works',
			'Name of nadia issued a provisioning (SCIM) token for Aurora'
		]);
	});
});

/** `npm run admin -- <args>` on the test server's data, beside it, as an operator runs it. */
async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await promisify(execFile)(
			process.execPath,
			['--import', 'tsx', 'server/cli/admin.ts', ...args],
			{ env: { ...process.env, DATA_DIR: server.dataDir } }
		);
		return { code: 0, stdout, stderr };
	} catch (error) {
		return error as { code: number; stdout: string; stderr: string };
	}
}

describe('npm run admin -- issue-scim-token / revoke-scim-token', () => {
	it('issues, replaces and revokes a zone’s token beside the running server', async () => {
		const issued = await admin('issue-scim-token', '--zone', 'aurora');
		expect(issued).toMatchObject({ code: 0, stderr: '' });
		expect(issued.stdout).toContain('Issued the SCIM token of Aurora.');
		expect(issued.stdout).toContain('/scim/v2');
		const first = /scim_[a-z2-7]{32}\.[a-z2-7]{32}/.exec(issued.stdout)![0];
		expect((await scim(server, 'GET', '/Users', { token: first })).status).toBe(200);

		const replaced = await admin('issue-scim-token', '--zone', 'aurora');
		expect(replaced.stdout).toContain(
			'Replaced the SCIM token of Aurora: the old one no longer works.'
		);
		expectScimError(await scim(server, 'GET', '/Users', { token: first }), 401);
		const second = /scim_[a-z2-7]{32}\.[a-z2-7]{32}/.exec(replaced.stdout)![0];

		expect((await admin('revoke-scim-token', '--zone', 'aurora')).code).toBe(0);
		expectScimError(await scim(server, 'GET', '/Users', { token: second }), 401);
		const again = await admin('revoke-scim-token', '--zone', 'aurora');
		expect([again.code, again.stderr.trim()]).toEqual([
			1,
			'Aurora has no provisioning token to revoke.'
		]);
		expect((await consortiumLog())[0]).toBe(
			'The server revoked Aurora’s provisioning (SCIM) token'
		);
	});
});

describe('the Users of a zone', () => {
	let token: string;
	beforeEach(async () => {
		token = await issueZoneToken(server, 'aurora');
	});

	it('are created, read, found by userName, paged and replaced', async () => {
		const created = await scim(server, 'POST', '/Users', {
			token,
			body: newUser('ada@aurora.example.edu')
		});
		expect(created.status).toBe(201);
		expect(created.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
		const ada = created.body;
		expect(ada).toMatchObject({
			schemas: [SCIM_URN.user],
			userName: 'ada@aurora.example.edu',
			externalId: 'ext-ada@aurora.example.edu',
			displayName: 'Display ada',
			name: { givenName: 'Given', familyName: 'Family' },
			active: true,
			emails: [{ value: 'ada@aurora.example.edu', type: 'work', primary: true }],
			meta: { resourceType: 'User', location: `${server.url}/scim/v2/Users/${ada.id}` }
		});
		expect(created.headers.get('location')).toBe(ada.meta.location);
		expect((await scim(server, 'GET', `/Users/${ada.id}`, { token })).body).toEqual(ada);

		// ian has an account already: the provider speaks for its domain and takes it.
		const ian = (await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ian) })).body;
		await scim(server, 'POST', '/Users', { token, body: newUser('abe@aurora.example.edu') });
		const duplicate = await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ian) });
		expectScimError(duplicate, 409, 'uniqueness');

		const found = await scim(
			server,
			'GET',
			`/Users?filter=${encodeURIComponent('userName eq "IAN@aurora.example.edu"')}`,
			{ token }
		);
		expect(found.body).toMatchObject({
			schemas: [SCIM_URN.listResponse],
			totalResults: 1,
			startIndex: 1,
			itemsPerPage: 1,
			Resources: [{ id: ian.id, userName: ADDRESS.ian }]
		});
		const none = await scim(
			server,
			'GET',
			`/Users?filter=${encodeURIComponent('userName eq "nobody@aurora.example.edu"')}`,
			{ token }
		);
		expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });

		const first = (await scim(server, 'GET', '/Users?startIndex=1&count=2', { token })).body;
		const second = (await scim(server, 'GET', '/Users?startIndex=3&count=2', { token })).body;
		expect([first.totalResults, first.itemsPerPage, second.itemsPerPage]).toEqual([3, 2, 1]);
		const ids = [...first.Resources, ...second.Resources].map((user: { id: string }) => user.id);
		expect(new Set(ids).size).toBe(3);
		expect((await scim(server, 'GET', '/Users?count=0', { token })).body).toMatchObject({
			totalResults: 3,
			Resources: []
		});

		const replaced = await scim(server, 'PUT', `/Users/${ian.id}`, {
			token,
			body: { schemas: [SCIM_URN.user], userName: ADDRESS.ian, displayName: 'Ian Renamed' }
		});
		expect(replaced.status).toBe(200);
		expect(replaced.body).toMatchObject({ displayName: 'Ian Renamed', active: true });
		expect(replaced.body).not.toHaveProperty('name');
		// The provider names the account, and the member entries follow.
		expect(serverValue(server, 'project/pa', 'members', 'ian')).toMatchObject({
			name: 'Ian Renamed'
		});

		const roster = await signedIn(server, 'nadia').get('/api/consortia/lights/roster');
		const ianRow = roster.body.people.find(
			(person: { accountId: string }) => person.accountId === 'ian'
		);
		expect(ianRow.zones).toEqual([
			{ id: 'aurora', name: 'Aurora', kind: 'institution', provisioning: 'active' }
		]);
		expect(await consortiumLog()).toContain(
			'Aurora’s identity provider provisioned Display ian (ian@aurora.example.edu)'
		);
	});

	it('made inactive lose every membership, session, link and open connection at once, audited', async () => {
		const ian = (await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ian) })).body;
		const inProject = connect('ian', 'project/pa');
		const ownDocument = connect('ian', 'user/ian');
		await inProject.synced();
		await ownDocument.synced();
		const browser = signedIn(server, 'ian');
		expect((await browser.get('/api/auth/session')).status).toBe(200);
		const oldLink = performNow(
			server.app.db,
			issueToken(server.app.authDb.settings, { purpose: 'sign-in', email: ADDRESS.ian })
		).token;
		setAccountPassword(
			server.app.authDb,
			'ian',
			await hashPassword('correct horse battery', FAST_PASSWORD_COST)
		);

		// Entra ID's form: no path, the attributes in the value, `op` capitalised.
		const deactivated = await scim(server, 'PATCH', `/Users/${ian.id}`, {
			token,
			body: patch({ op: 'Replace', value: { active: false } })
		});
		expect([deactivated.status, deactivated.body.active]).toEqual([200, false]);

		expect(isMember('pa', 'ian')).toBe(false);
		expect(isMember('pa', 'ivy')).toBe(true);
		expect(sessionsOf('ian')).toBe(0);
		expect((await browser.get('/api/auth/session')).status).toBe(401);
		await eventually(
			() => inProject.closes.length > 0 && ownDocument.closes.length > 0,
			'ian’s connections to close'
		);
		expect(inProject.closes[0]!.code).toBe(4410);
		expect(ownDocument.closes[0]!.code).toBe(4401);

		const used = await new TestClient(server).post('/api/auth/link/consume', { token: oldLink });
		expect(used.body.error.code).toBe('token-invalid');
		const linked = await signInWithFreshLink(ADDRESS.ian);
		expect([linked.status, linked.body.error.code]).toEqual([
			403,
			'deactivated-by-identity-provider'
		]);
		expect(linked.body.error.message).toContain(
			'Aurora’s identity provider deactivated your account'
		);
		const password = await new TestClient(server).post('/api/auth/password', {
			email: ADDRESS.ian,
			password: 'correct horse battery'
		});
		expect([password.status, password.body.error.code]).toEqual([
			403,
			'deactivated-by-identity-provider'
		]);

		const sentence =
			'Aurora’s identity provider deactivated Display ian (ian@aurora.example.edu): removed 1 membership (Aurora Analytics); ended 3 sessions';
		expect((await consortiumLog())[0]).toBe(sentence);
		expect(await projectLog('pa', 'nadia')).toEqual(
			expect.arrayContaining([sentence, 'Display ian was removed from the project'])
		);

		// Reactivated: signing in works again; the memberships are not given back.
		const reactivated = await scim(server, 'PATCH', `/Users/${ian.id}`, {
			token,
			body: patch({ op: 'replace', path: 'active', value: 'True' })
		});
		expect(reactivated.body.active).toBe(true);
		expect((await signInWithFreshLink(ADDRESS.ian)).status).toBe(200);
		expect(isMember('pa', 'ian')).toBe(false);
		expect((await consortiumLog())[0]).toBe(
			'Aurora’s identity provider reactivated Display ian (ian@aurora.example.edu): they may sign in again; their former memberships were not restored'
		);
	});

	it('deleted lose their access and cannot sign in until created again', async () => {
		const ivy = (await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ivy) })).body;
		expect((await scim(server, 'DELETE', `/Users/${ivy.id}`, { token })).status).toBe(204);
		expectScimError(await scim(server, 'GET', `/Users/${ivy.id}`, { token }), 404);
		expectScimError(await scim(server, 'DELETE', `/Users/${ivy.id}`, { token }), 404);
		expect(isMember('pa', 'ivy')).toBe(false);
		const refused = await signInWithFreshLink(ADDRESS.ivy);
		expect(refused.body.error.message).toContain('Aurora’s identity provider removed you');
		expect((await consortiumLog())[0]).toMatch(
			/^Aurora’s identity provider deleted Display ivy \(ivy@aurora\.example\.edu\): removed 1 membership \(Aurora Analytics\)/
		);

		const again = await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ivy) });
		expect(again.status).toBe(201);
		expect(again.body.id).not.toBe(ivy.id);
		expect((await signInWithFreshLink(ADDRESS.ivy)).status).toBe(200);
	});

	it('keep the address their provider knows them by: the provider changes it, not they', async () => {
		await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ivy) });
		const ivy = new TestClient(server);
		const { token: link } = performNow(
			server.app.db,
			issueToken(server.app.authDb.settings, {
				purpose: 'sign-in',
				email: ADDRESS.ivy
			})
		);
		expect((await ivy.post('/api/auth/link/consume', { token: link })).status).toBe(200);
		const refused = await ivy.post('/api/account/email', { email: 'ivy@elsewhere.example.org' });
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('address-managed-by-identity-provider');
		expect(refused.body.error.message).toContain('Aurora’s identity provider manages your address');
		const mailed = server.app.db
			.prepare('SELECT count(*) FROM mail_outbox WHERE to_address = ?')
			.pluck()
			.get('ivy@elsewhere.example.org');
		expect(mailed).toBe(0);
	});

	it('keep it against a change of address they asked for before they were provisioned', async () => {
		const { token: link } = performNow(
			server.app.db,
			issueToken(server.app.authDb.settings, {
				purpose: 'email-change',
				email: 'ivy@elsewhere.example.org',
				subject: 'ivy'
			})
		);
		await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ivy) });
		const refused = await new TestClient(server).post('/api/account/email/confirm', {
			token: link
		});
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('address-managed-by-identity-provider');
		const email = server.app.db
			.prepare("SELECT email FROM accounts WHERE id = 'ivy'")
			.pluck()
			.get();
		expect(email).toBe(ADDRESS.ivy);
	});

	it('leaves a project whose last Project Admin goes without one, and says so', async () => {
		await server.close();
		const captured = captureLog('json', 'warn');
		server = await startWorkflowServer({ options: { log: captured.log } });
		setUpLights(server);
		const borealis = await issueZoneToken(server, 'borealis');
		const bea = (
			await scim(server, 'POST', '/Users', { token: borealis, body: newUser(ADDRESS.bea) })
		).body;
		const answer = await scim(server, 'PATCH', `/Users/${bea.id}`, {
			token: borealis,
			body: patch({ op: 'replace', path: 'active', value: false })
		});
		expect(answer.status).toBe(200);
		expect(isMember('pb', 'bea')).toBe(false);
		expect((await consortiumLog())[0]).toBe(
			'Borealis’s identity provider deactivated Display bea (bea@borealis.example.edu): removed 1 membership (Borealis Analytics). Borealis Analytics has no Project Admin left'
		);
		// The operators read it too: they give the project a Project Admin (npm run admin -- invite-admin).
		expect(captured.entries()).toContainEqual(
			expect.objectContaining({ level: 'warn', projects: ['pb'], zoneId: 'borealis' })
		);
	});
});

describe('one zone’s token', () => {
	it('cannot see or touch another zone’s people', async () => {
		const aurora = await issueZoneToken(server, 'aurora');
		const borealis = await issueZoneToken(server, 'borealis');
		const bea = (
			await scim(server, 'POST', '/Users', { token: borealis, body: newUser(ADDRESS.bea) })
		).body;

		expectScimError(await scim(server, 'GET', `/Users/${bea.id}`, { token: aurora }), 404);
		expectScimError(await scim(server, 'DELETE', `/Users/${bea.id}`, { token: aurora }), 404);
		expectScimError(
			await scim(server, 'PATCH', `/Users/${bea.id}`, {
				token: aurora,
				body: patch({ op: 'replace', value: { active: false } })
			}),
			404
		);
		expectScimError(
			await scim(server, 'PUT', `/Users/${bea.id}`, { token: aurora, body: newUser(ADDRESS.bea) }),
			404
		);
		const listed = await scim(
			server,
			'GET',
			`/Users?filter=${encodeURIComponent(`userName eq "${ADDRESS.bea}"`)}`,
			{ token: aurora }
		);
		expect(listed.body).toMatchObject({ totalResults: 0, Resources: [] });
		const taken = await scim(server, 'POST', '/Users', {
			token: aurora,
			body: newUser(ADDRESS.bea)
		});
		expectScimError(taken, 400, 'invalidValue');
		expect(taken.body.detail).toBe(
			'bea@borealis.example.edu is not an address of Aurora, whose domains are aurora.example.edu.'
		);
		const moved = await scim(server, 'POST', '/Users', {
			token: aurora,
			body: newUser('kai@aurora.example.edu')
		});
		const away = await scim(server, 'PATCH', `/Users/${moved.body.id}`, {
			token: aurora,
			body: patch({ op: 'replace', path: 'userName', value: 'kai@borealis.example.edu' })
		});
		expectScimError(away, 400, 'invalidValue');

		expect(isMember('pb', 'bea')).toBe(true);
		expect((await scim(server, 'GET', `/Users/${bea.id}`, { token: borealis })).body.active).toBe(
			true
		);
	});

	it('reaches the addresses its zone’s domains claim most specifically, subdomains included', async () => {
		createConsortium(server.app.db, {
			id: 'tiers',
			name: 'Tiers',
			mode: 'institution-zone',
			zones: [
				{
					id: 'tier-office',
					kind: 'network',
					name: 'Tier Office',
					emailDomains: ['tiers.example']
				},
				{
					id: 'tier-lib',
					kind: 'institution',
					name: 'Tier Library',
					emailDomains: ['lib.tiers.example']
				}
			]
		});
		const tokenOf = (zoneId: string) => {
			const issued = issueTokenByOffice(server.app.db, zoneId, Date.now());
			if (!issued.ok) throw new Error(issued.message);
			return issued.token;
		};
		const office = tokenOf('tier-office');
		const library = tokenOf('tier-lib');
		const create = async (token: string, userName: string) =>
			(await scim(server, 'POST', '/Users', { token, body: newUser(userName) })).status;
		expect(await create(office, 'a@tiers.example')).toBe(201);
		expect(await create(office, 'b@mail.tiers.example')).toBe(201);
		expect(await create(office, 'c@lib.tiers.example')).toBe(400);
		expect(await create(office, 'd@mail.lib.tiers.example')).toBe(400);
		expect(await create(office, ADDRESS.ian)).toBe(400);
		expect(await create(library, 'c@lib.tiers.example')).toBe(201);
		expect(await create(library, 'd@mail.lib.tiers.example')).toBe(201);
		expect(await create(library, 'e@tiers.example')).toBe(400);
		expect(await create(library, 'f@xlib.tiers.example')).toBe(400);
		expect(await create(library, 'g@lib.tiers.example.evil')).toBe(400);
	});

	it('stops working when its library leaves the consortium, and no new one is issued', async () => {
		const aurora = await issueZoneToken(server, 'aurora');
		const ivy = (
			await scim(server, 'POST', '/Users', { token: aurora, body: newUser(ADDRESS.ivy) })
		).body;
		const nadia = signedIn(server, 'nadia');
		const plan = (await nadia.get('/api/consortia/lights/offboarding/aurora')).body;
		const offboarded = await nadia.post('/api/consortia/lights/offboarding/aurora', {
			fingerprint: plan.fingerprint,
			confirmation: 'Aurora'
		});
		expect(offboarded.status).toBe(200);

		const attempts = [
			await scim(server, 'GET', '/Users', { token: aurora }),
			await scim(server, 'POST', '/Users', {
				token: aurora,
				body: newUser('new@aurora.example.edu')
			}),
			await scim(server, 'PATCH', `/Users/${ivy.id}`, {
				token: aurora,
				body: patch({ op: 'replace', path: 'active', value: false })
			}),
			await scim(server, 'DELETE', `/Users/${ivy.id}`, { token: aurora })
		];
		for (const attempt of attempts) {
			expectScimError(attempt, 403);
			expect(attempt.body.detail).toMatch(
				/^Aurora left Northern Lights on \d+ \w{3} \d{4}: its identity provider provisions nobody in the console any more\.$/
			);
		}
		expect(server.app.db.prepare('SELECT COUNT(*) FROM scim_users').pluck().get()).toBe(1);
		expect((await signInWithFreshLink(ADDRESS.ivy)).status).toBe(200);

		const zones = (await nadia.get('/api/consortia/lights/scim')).body.zones;
		expect(
			zones.map((zone: { id: string; leftAt: number | null }) => [zone.id, zone.leftAt])
		).toEqual([
			['nz', null],
			['aurora', offboarded.body.completedAt],
			['borealis', null]
		]);
		const again = await nadia.post('/api/consortia/lights/scim/zones/aurora/token');
		expect([again.status, again.body.error.code]).toEqual([403, 'zone-left']);
		expect((await nadia.post('/api/consortia/lights/scim/zones/borealis/token')).status).toBe(201);
		expect((await nadia.delete('/api/consortia/lights/scim/zones/aurora/token')).status).toBe(204);
	});
});

describe('mistakes', () => {
	let token: string;
	beforeEach(async () => {
		token = await issueZoneToken(server, 'aurora');
	});

	it('are answered with SCIM errors', async () => {
		const id = (
			await scim(server, 'POST', '/Users', { token, body: newUser('ada@aurora.example.edu') })
		).body.id;
		expectScimError(await scim(server, 'GET', '/Users'), 401);
		expectScimError(await scim(server, 'GET', '/Users', { token: 'scim_nope' }), 401);
		expectScimError(
			await scim(server, 'POST', '/Users', { token, raw: '{"userName": ' }),
			400,
			'invalidSyntax'
		);
		expectScimError(
			await scim(server, 'POST', '/Users', { token, raw: '{}', contentType: 'text/plain' }),
			415,
			'invalidSyntax'
		);
		expectScimError(
			await scim(server, 'POST', '/Users', {
				token,
				body: newUser('bo@aurora.example.edu', { schemas: ['urn:example:unknown:User'] })
			}),
			400,
			'invalidSyntax'
		);
		expectScimError(
			await scim(server, 'POST', '/Users', { token, body: newUser('not an address') }),
			400,
			'invalidValue'
		);
		for (const filter of [
			'userName co "a"',
			'title eq "x"',
			'userName eq ada',
			'userName eq "\\q"'
		])
			expectScimError(
				await scim(server, 'GET', `/Users?filter=${encodeURIComponent(filter)}`, { token }),
				400,
				'invalidFilter'
			);
		expectScimError(
			await scim(server, 'GET', '/Users?startIndex=first', { token }),
			400,
			'invalidValue'
		);
		const cases: Array<[unknown, number, string]> = [
			[patch({ op: 'remove' }), 400, 'noTarget'],
			[patch({ op: 'replace', path: 'id', value: 'x' }), 400, 'mutability'],
			[patch({ op: 'remove', path: 'active' }), 400, 'mutability'],
			[patch({ op: 'replace', path: 'members', value: [] }), 400, 'invalidPath'],
			[patch({ op: 'replace', path: 'active', value: 'maybe' }), 400, 'invalidValue'],
			[patch({ op: 'move', path: 'active', value: false }), 400, 'invalidSyntax'],
			[{ schemas: [SCIM_URN.patchOp] }, 400, 'invalidSyntax']
		];
		for (const [body, status, scimType] of cases)
			expectScimError(
				await scim(server, 'PATCH', `/Users/${id}`, { token, body }),
				status,
				scimType
			);
		// What the console does not keep is taken and ignored, as identity providers send it.
		const ignored = await scim(server, 'PATCH', `/Users/${id}`, {
			token,
			body: patch(
				{ op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y.z' },
				{ op: 'add', path: `${SCIM_URN.enterpriseUser}:department`, value: 'Loans' },
				{ op: 'replace', path: 'name.givenName', value: 'Ada' }
			)
		});
		expect([ignored.status, ignored.body.name.givenName]).toEqual([200, 'Ada']);

		const large = await scim(server, 'POST', '/Users', {
			token,
			raw: JSON.stringify(newUser('big@aurora.example.edu', { displayName: 'x'.repeat(40_000) }))
		});
		expectScimError(large, 413);
		expectScimError(await scim(server, 'GET', '/Groups', { token }), 404);
		expectScimError(await scim(server, 'PATCH', '/Users', { token, body: {} }), 405);
		expectScimError(await scim(server, 'GET', '/Users/%E0%A4%A', { token }), 404);
		expect((await scim(server, 'GET', '/Users', { token })).body.totalResults).toBe(1);
	});

	it('refuse a token in the URL, with the header or without, and do nothing', async () => {
		const inUrl = [
			await scim(server, 'GET', `/Users?access_token=${token}`),
			await scim(server, 'GET', `/Users?access_token=${token}`, { token }),
			await scim(server, 'POST', `/Users?token=${encodeURIComponent(token)}`, {
				token,
				body: newUser('ada@aurora.example.edu')
			})
		];
		for (const answer of inUrl) {
			expectScimError(answer, 400);
			expect(answer.body.detail).toBe(
				'Send the token in the Authorization header (Bearer), never in the URL: a URL is kept in the logs of every proxy it passes. Replace this token now.'
			);
		}
		expect((await scim(server, 'GET', '/Users', { token })).body.totalResults).toBe(0);
	});

	it('take the Bearer scheme in any case, and the token only as it was issued', async () => {
		const raw = (authorization: string) =>
			fetch(`${server.url}/scim/v2/Users`, { headers: { authorization } });
		expect((await raw(`bearer ${token}`)).status).toBe(200);
		expect((await raw(`BEARER   ${token}`)).status).toBe(200);
		const [id, secret] = token.slice('scim_'.length).split('.') as [string, string];
		const wrongSecret = `scim_${id}.${secret.replace(/^./, (first) => (first === 'a' ? 'b' : 'a'))}`;
		for (const presented of [
			wrongSecret,
			token.toUpperCase(),
			`${token}x`,
			`scim_${secret}.${id}`,
			token.replace('scim_', 'SCIM_')
		])
			expectScimError(await scim(server, 'GET', '/Users', { token: presented }), 401);
	});

	it('describe the service in its discovery documents', async () => {
		const config = await scim(server, 'GET', '/ServiceProviderConfig', { token });
		expect(config.body).toMatchObject({
			schemas: [SCIM_URN.serviceProviderConfig],
			patch: { supported: true },
			filter: { supported: true, maxResults: 100 },
			bulk: { supported: false }
		});
		const types = await scim(server, 'GET', '/ResourceTypes', { token });
		expect(types.body.Resources).toEqual([
			expect.objectContaining({ id: 'User', endpoint: '/Users' })
		]);
		const schemas = await scim(server, 'GET', '/Schemas', { token });
		expect(
			schemas.body.Resources[0].attributes.map((attribute: { name: string }) => attribute.name)
		).toEqual(['userName', 'name', 'displayName', 'active', 'externalId', 'emails']);
		// A filter compares as the schema says: userName without regard to case, externalId exactly.
		const caseExact = Object.fromEntries(
			schemas.body.Resources[0].attributes.map(
				(attribute: { name: string; caseExact: boolean }) => [attribute.name, attribute.caseExact]
			)
		);
		expect([caseExact.userName, caseExact.externalId]).toEqual([false, true]);
		await scim(server, 'POST', '/Users', { token, body: newUser('ada@aurora.example.edu') });
		const found = async (filter: string) =>
			(await scim(server, 'GET', `/Users?filter=${encodeURIComponent(filter)}`, { token })).body
				.totalResults;
		expect(await found('userName eq "ADA@aurora.example.edu"')).toBe(1);
		expect(await found('externalId eq "ext-ada@aurora.example.edu"')).toBe(1);
		expect(await found('externalId eq "EXT-ada@aurora.example.edu"')).toBe(0);
		expect((await scim(server, 'GET', `/Schemas/${SCIM_URN.user}`, { token })).status).toBe(200);
		expectScimError(await scim(server, 'GET', '/ServiceProviderConfig'), 401);
	});
});

describe('the limits', () => {
	it('refuse strangers past their limit, and one zone past its own', async () => {
		await server.close();
		server = await startWorkflowServer({
			options: {
				scim: {
					refusedPerIp: { limit: 2, windowMs: 60_000 },
					requestsPerZone: { limit: 3, windowMs: 60_000 }
				}
			}
		});
		setUpLights(server);
		const token = await issueZoneToken(server, 'aurora');
		const other = await issueZoneToken(server, 'borealis');
		for (let index = 0; index < 2; index += 1)
			expectScimError(await scim(server, 'GET', '/Users', { token: 'scim_wrong' }), 401);
		const stranger = await scim(server, 'GET', '/Users', { token: 'scim_wrong' });
		expectScimError(stranger, 429);
		expect(Number(stranger.headers.get('retry-after'))).toBeGreaterThan(0);
		for (let index = 0; index < 3; index += 1)
			expect((await scim(server, 'GET', '/Users', { token })).status).toBe(200);
		expectScimError(await scim(server, 'GET', '/Users', { token }), 429);
		expect((await scim(server, 'GET', '/Users', { token: other })).status).toBe(200);
	});
});
