/**
 * Consent: a portal's key gets a ticket only for a person who allowed that portal, in the projects
 * they allowed it in; the person allows it from a console session, sees their grants and removes
 * them, which ends the portal's sessions of theirs at once. What a portal did is audited as
 * "<person> via <portal>", and registering or revoking a portal is mailed to the other admins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, type AuditEntry, type ManagementMode } from '../../src/lib/shared';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { putMember, createProject } from '../../server/consortium/projects';
import { findConsortium } from '../../server/consortium/store';
import { revokePortal } from '../../server/embed/portals';
import { startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import {
	embeddedToken,
	exchangeTicket,
	grantPortal,
	registerTestPortal,
	requestTicket,
	tokenSocket,
	type TestPortal,
	type TokenSocket
} from '../support/embed';
import type { TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { setUpProject, SyncClient } from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer | undefined;
let smtp: TestSmtpServer | undefined;
const sockets: TokenSocket[] = [];
const clients: SyncClient[] = [];

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.ws.terminate();
	for (const client of clients.splice(0)) client.destroy();
	await server?.close();
	server = undefined;
	await smtp?.stop();
	smtp = undefined;
});

async function start(options: { mail?: boolean; mode?: ManagementMode } = {}) {
	if (options.mail) smtp = await startSmtpServer();
	server = await startAuthServer({ clock: new TestClock(), smtp });
	setUpProject(server, options.mode ?? 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
	const portal = registerTestPortal(server);
	return { server, portal };
}

/** The console in a browser, signed in as the account: its cookie, its Origin. */
function consoleOf(server: TestServer, accountId: string, origin?: string): TestClient {
	const client = new TestClient(server, origin ? { origin } : {});
	const { token } = createSession(server.app.authDb, accountId, {
		ip: '127.0.0.1',
		userAgent: 'test'
	});
	client.cookies.set(sessionCookieName(server.app.site), token);
	return client;
}

function within<T>(ms: number, promise: Promise<T>): Promise<T | 'too late'> {
	const late = new Promise<'too late'>((resolve) => setTimeout(() => resolve('too late'), ms));
	return Promise.race([promise, late]);
}

function ticket(server: TestServer, portal: TestPortal, email: string, projectId = 'p1') {
	return requestTicket(server, portal.apiKey, { email, projectId });
}

describe('tickets need the person’s grant', () => {
	it('refuses a valid key a ticket for a member who has not allowed the portal, and says where to ask', async () => {
		const { server, portal } = await start();
		const refused = await ticket(server, portal, 'bo@example.org');
		expect(refused.status).toBe(403);
		expect(refused.body.error).toMatchObject({
			code: 'consent-required',
			consentUrl: `${server.url}/embed/consent?portal=${portal.id}&project=p1`
		});
		expect(server.app.db.prepare('SELECT count(*) FROM embed_tickets').pluck().get()).toBe(0);

		const allowed = await consoleOf(server, 'bo').post('/api/embed/grants', {
			portalId: portal.id,
			projectIds: ['p1']
		});
		expect(allowed.status).toBe(201);
		expect((await ticket(server, portal, 'bo@example.org')).status).toBe(201);
	});

	it('tells a portal nothing about an address whose person has not allowed it', async () => {
		const { server, portal } = await start();
		const stranger = await ticket(server, portal, 'nobody@example.org');
		const member = await ticket(server, portal, 'nia@example.org');
		expect([stranger.status, stranger.body.error.code]).toEqual([403, 'consent-required']);
		expect([member.status, member.body.error.code]).toEqual([403, 'consent-required']);
		expect(stranger.body.error.message).toBe(member.body.error.message);
	});

	it('does not let a grant for one portal serve another, even for the same project', async () => {
		const { server, portal } = await start();
		const other = registerTestPortal(server, { name: 'Other Portal' });
		grantPortal(server, portal, 'bo');
		expect((await ticket(server, portal, 'bo@example.org')).status).toBe(201);
		const refused = await ticket(server, other, 'bo@example.org');
		expect(refused.body.error.code).toBe('consent-required');
	});

	it('covers the projects allowed only: a project of the portal joined later asks again', async () => {
		// Institution-zone management: the consortium has a project per library.
		const { server, portal: first } = await start({ mode: 'institution-zone' });
		const consortium = findConsortium(server.app.db, first.consortiumId)!;
		createProject(server.app.db, server.app.registry, consortium, {
			id: 'p2',
			name: 'Second',
			ownerZoneId: 'borealis'
		});
		const portal = registerTestPortal(server, { name: 'Both', projectIds: ['p1', 'p2'] });
		grantPortal(server, portal, 'bo', ['p1']);
		putMember(server.app.db, server.app.registry, 'p2', {
			accountId: 'bo',
			email: 'bo@example.org',
			name: 'Name of bo',
			role: 'analyst',
			zoneId: 'nz'
		});
		expect((await ticket(server, portal, 'bo@example.org', 'p2')).body.error.code).toBe(
			'consent-required'
		);
		const info = await consoleOf(server, 'bo').get(`/api/embed/portals/${portal.id}/consent`);
		expect(info.body.projects).toEqual([
			{ id: 'p1', name: 'Analytics' },
			{ id: 'p2', name: 'Second' }
		]);
		expect(info.body.allowedProjectIds).toEqual(['p1']);
	});

	it('answers not-a-member to a portal the person allowed, once they left the project', async () => {
		const { server, portal } = await start();
		grantPortal(server, portal, 'nia');
		server.app.registry.change('project/p1', (roots) => roots.members.delete('nia'));
		const refused = await ticket(server, portal, 'nia@example.org');
		expect(refused.body.error.code).toBe('not-a-member');
	});
});

describe('removing a grant', () => {
	it('closes the person’s open embedded connection at once, burns unused tickets and refuses the next one', async () => {
		const { server, portal } = await start();
		grantPortal(server, portal, 'bo');
		const token = await embeddedToken(server, portal, 'bo@example.org');
		const socket = tokenSocket(server, 'project/p1', { token });
		sockets.push(socket);
		await socket.opened;
		const unused = (await ticket(server, portal, 'bo@example.org')).body.ticket as string;
		// Ada's grant and session are hers, and stay.
		grantPortal(server, portal, 'ada');
		const adas = tokenSocket(server, 'project/p1', {
			token: await embeddedToken(server, portal, 'ada@example.org')
		});
		sockets.push(adas);
		await adas.opened;

		const bo = consoleOf(server, 'bo');
		expect((await bo.get('/api/embed/grants')).body.grants).toHaveLength(1);
		const removed = await bo.delete(`/api/embed/grants/${portal.id}`);
		expect(removed.status).toBe(204);
		// At once, not at the periodic check of sessions (every 10 s).
		expect(await within(1000, socket.closed)).toBe(CLOSE.unauthenticated.code);

		const late = await exchangeTicket(server, {
			ticket: unused,
			portalId: portal.id,
			projectId: 'p1'
		});
		expect(late.body.error.code).toBe('ticket-invalid');
		expect((await ticket(server, portal, 'bo@example.org')).body.error.code).toBe(
			'consent-required'
		);
		expect((await bo.get('/api/embed/grants')).body.grants).toEqual([]);
		expect((await bo.delete(`/api/embed/grants/${portal.id}`)).status).toBe(404);
		expect(adas.ws.readyState).toBe(adas.ws.OPEN);
	});

	it('is what revoking the portal does to every grant', async () => {
		const { server, portal } = await start();
		grantPortal(server, portal, 'bo');
		grantPortal(server, portal, 'ada');
		expect(revokePortal(server.app.authDb, portal.id, null)).toBe(true);
		expect(server.app.db.prepare('SELECT count(*) FROM embed_grants').pluck().get()).toBe(0);
	});
});

describe('the consent endpoints', () => {
	it('show the consent window the portal, who registered it, and the person’s own projects of it', async () => {
		const { server, portal: first } = await start({ mode: 'institution-zone' });
		const consortium = findConsortium(server.app.db, first.consortiumId)!;
		createProject(server.app.db, server.app.registry, consortium, {
			id: 'p2',
			name: 'Not hers',
			ownerZoneId: 'borealis'
		});
		const portal = registerTestPortal(server, {
			name: 'Two Projects',
			origins: ['https://a.example.org', 'https://b.example.org'],
			projectIds: ['p1', 'p2']
		});
		const info = await consoleOf(server, 'nia').get(`/api/embed/portals/${portal.id}/consent`);
		expect(info.status).toBe(200);
		expect(info.body).toEqual({
			account: { id: 'nia', name: 'Name of nia', email: 'nia@example.org' },
			portal: {
				id: portal.id,
				name: 'Two Projects',
				origins: ['https://a.example.org', 'https://b.example.org'],
				consortiumName: 'Northern Lights',
				createdByName: 'Northern Lights',
				createdAt: expect.any(Number)
			},
			projects: [{ id: 'p1', name: 'Analytics' }],
			allowedProjectIds: []
		});
		// Nia may not allow it in a project she is not a member of.
		const refused = await consoleOf(server, 'nia').post('/api/embed/grants', {
			portalId: portal.id,
			projectIds: ['p1', 'p2']
		});
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('grant-project-invalid');
		expect(server.app.db.prepare('SELECT count(*) FROM embed_grants').pluck().get()).toBe(0);
	});

	it('need a console session: no cookie, or an embedded token, is refused', async () => {
		const { server, portal } = await start();
		grantPortal(server, portal, 'ada');
		const token = await embeddedToken(server, portal, 'ada@example.org');
		const anonymous = new TestClient(server);
		const bearer = { Authorization: `Bearer ${token}` };
		const body = { portalId: portal.id, projectIds: ['p1'] };
		for (const headers of [{}, bearer]) {
			expect((await anonymous.get(`/api/embed/portals/${portal.id}/consent`, headers)).status).toBe(
				401
			);
			expect((await anonymous.get('/api/embed/grants', headers)).status).toBe(401);
			expect((await anonymous.post('/api/embed/grants', body, headers)).status).toBe(401);
		}
	});

	it('take changes from the console’s own pages only (Origin)', async () => {
		const { server, portal } = await start();
		const body = { portalId: portal.id, projectIds: ['p1'] };
		const fromPortal = consoleOf(server, 'bo', 'https://portal.example.org');
		const refused = await fromPortal.post('/api/embed/grants', body);
		expect([refused.status, refused.body.error.code]).toEqual([403, 'cross-origin']);
		expect((await consoleOf(server, 'bo').post('/api/embed/grants', body)).status).toBe(201);
		expect((await fromPortal.delete(`/api/embed/grants/${portal.id}`)).status).toBe(403);
	});

	it('know nothing of a revoked portal, and nothing for someone outside its projects', async () => {
		const { server, portal } = await start();
		const outsider = registerTestPortal(server, { name: 'Elsewhere' });
		server.app.db.prepare('UPDATE embed_portals SET revoked_at = 1 WHERE id = ?').run(outsider.id);
		const bo = consoleOf(server, 'bo');
		expect((await bo.get(`/api/embed/portals/${outsider.id}/consent`)).status).toBe(404);
		const revoked = await bo.post('/api/embed/grants', {
			portalId: outsider.id,
			projectIds: ['p1']
		});
		expect(revoked.status).toBe(404);

		server.app.registry.change('project/p1', (roots) => roots.members.delete('nia'));
		const gone = await consoleOf(server, 'nia').get(`/api/embed/portals/${portal.id}/consent`);
		expect([gone.status, gone.body.error.code]).toEqual([403, 'consent-not-a-member']);
	});

	it('list the person’s grants with their projects, since when, and when last used', async () => {
		const { server, portal } = await start();
		const bo = consoleOf(server, 'bo');
		await bo.post('/api/embed/grants', { portalId: portal.id, projectIds: ['p1'] });
		const before = (await bo.get('/api/embed/grants')).body.grants[0];
		expect(before).toEqual({
			portal: { id: portal.id, name: 'Library Portal', origins: ['https://portal.example.org'] },
			projects: [{ id: 'p1', name: 'Analytics' }],
			createdAt: expect.any(Number),
			lastUsedAt: null
		});
		await embeddedToken(server, portal, 'bo@example.org');
		const after = (await bo.get('/api/embed/grants')).body.grants[0];
		expect(after.lastUsedAt).toEqual(expect.any(Number));
	});
});

describe('what a portal does is the person’s, via the portal', () => {
	it('records changes made through an embedded session as the person via the portal', async () => {
		const { server, portal } = await start();
		grantPortal(server, portal, 'ada');
		const token = await embeddedToken(server, portal, 'ada@example.org');
		const embedded = new SyncClient(server, 'ada', 'project/p1', undefined, {
			cookie: '',
			params: { token }
		});
		const own = new SyncClient(server, 'bo', 'project/p1');
		clients.push(embedded, own);
		await Promise.all([embedded.synced(), own.synced()]);
		embedded.setMember('nia', { role: 'consumer' });
		await eventually(() => own.member('nia')?.role === 'consumer', 'the change to reach Bo');
		own.setMember('nia', { role: 'analyst' });
		await eventually(() => embedded.member('nia')?.role === 'analyst', 'Bo’s change to reach Ada');

		const answer = await consoleOf(server, 'bo').get('/api/projects/p1/audit?root=members');
		// Newest first: Bo's change, then Ada's (before them, the server added Nia).
		const entries = (answer.body.entries as AuditEntry[])
			.filter((entry) => entry.key === 'nia')
			.slice(0, 2);
		expect(entries.map((entry) => [entry.author?.name, entry.via])).toEqual([
			['Name of bo', null],
			['Name of ada', { portalId: portal.id, portalName: 'Library Portal' }]
		]);
	});
});

describe('registering and revoking a portal', () => {
	it('mails the projects’ other Project Admins, not the one who did it nor other members', async () => {
		const { server, portal } = await start({ mail: true });
		const { consortiumId } = portal;
		const ada = consoleOf(server, 'ada');
		const registered = await ada.post(`/api/consortia/${consortiumId}/portals`, {
			name: 'Staff Portal',
			origins: ['https://staff.example.org'],
			projectIds: ['p1']
		});
		expect(registered.status).toBe(201);
		const notice = await smtp!.nextMessageTo('bo@example.org');
		expect(notice.subject).toBe('Name of ada registered the portal Staff Portal for Analytics');
		expect(notice.text).toContain('Its pages at https://staff.example.org can show Project Users');
		expect(notice.text).toContain(`${server.url}/consortia/${consortiumId}/portals`);

		const revoked = await ada.delete(
			`/api/consortia/${consortiumId}/portals/${registered.body.portal.id}`
		);
		expect(revoked.status).toBe(204);
		expect((await smtp!.nextMessageTo('bo@example.org')).subject).toBe(
			'Name of ada revoked the portal Staff Portal'
		);
		const recipients = server.app.db
			.prepare('SELECT to_address FROM mail_outbox ORDER BY id')
			.pluck()
			.all();
		expect(recipients).toEqual(['bo@example.org', 'bo@example.org']);
	});

	it('lists who registered and who revoked a portal on the Portals page', async () => {
		const { server, portal } = await start();
		const ada = consoleOf(server, 'ada');
		await ada.delete(`/api/consortia/${portal.consortiumId}/portals/${portal.id}`);
		const listed = await ada.get(`/api/consortia/${portal.consortiumId}/portals`);
		expect(listed.body.portals[0]).toMatchObject({
			createdByName: 'Northern Lights',
			revokedByName: 'Name of ada'
		});
	});
});
