import { afterEach, describe, expect, it } from 'vitest';
import { startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import {
	exchangeTicket,
	grantPortal,
	registerTestPortal,
	requestTicket,
	type TestPortal
} from '../support/embed';
import type { TestServer } from '../support/server';
import { setUpProject } from '../support/sync';
import type { ManagementMode } from '../../src/lib/shared';
import { DEFAULT_EMBED_SETTINGS } from '../../server/embed/settings';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { createConsortium, findConsortium } from '../../server/consortium/store';
import { createProject, putMember } from '../../server/consortium/projects';
import { issueTicket } from '../../server/embed/tickets';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let server: TestServer | undefined;
let clock: TestClock;

afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function start(
	embed: Partial<typeof DEFAULT_EMBED_SETTINGS> = {},
	mode: ManagementMode = 'network-zone'
) {
	clock = new TestClock();
	server = await startAuthServer({
		clock,
		config: { embed: { ...structuredClone(DEFAULT_EMBED_SETTINGS), ...embed } }
	});
	setUpProject(server, mode, [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
	const portal = registerTestPortal(server);
	// Ada allowed the portal to act for her (the consent window, tests/server/embed-consent.test.ts).
	grantPortal(server, portal, 'ada');
	return { server, portal };
}

async function ticketFor(server: TestServer, portal: TestPortal, email = 'ada@example.org') {
	const answer = await requestTicket(server, portal.apiKey, { email, projectId: 'p1' });
	expect(answer.status).toBe(201);
	return answer.body as { ticket: string; expiresAt: number };
}

describe('tickets for a portal’s server', () => {
	it('issues a ticket that lives at most 60 seconds, for a member of the project', async () => {
		const { server, portal } = await start({ ticketLifetimeMs: 10 * MINUTE });
		const { ticket, expiresAt } = await ticketFor(server, portal);
		expect(ticket).toMatch(/^[a-z2-7]{32}$/);
		expect(expiresAt).toBe(clock.time + 60 * SECOND);
		const stored = JSON.stringify(
			server.app.db.prepare('SELECT * FROM embed_tickets').all(),
			(_key, value: unknown) =>
				value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value
		);
		expect(stored).not.toContain(ticket);
	});

	it('refuses a request without a valid API key', async () => {
		const { server, portal } = await start();
		const body = { email: 'ada@example.org', projectId: 'p1' };
		for (const key of ['', 'nonsense', `${portal.apiKey.slice(0, -2)}aa`]) {
			const refused = await requestTicket(server, key, body);
			expect(refused.status).toBe(401);
			expect(refused.body.error.code).toBe('api-key-invalid');
			expect(refused.headers.get('www-authenticate')).toContain('Bearer');
		}
	});

	it('refuses a request a browser makes (it carries an Origin): the key belongs on a server', async () => {
		const { server, portal } = await start();
		const refused = await requestTicket(
			server,
			portal.apiKey,
			{ email: 'ada@example.org', projectId: 'p1' },
			{ Origin: 'https://portal.example.org' }
		);
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('server-only');
	});

	it('issues nothing for someone who is not a member, nor for another consortium’s project', async () => {
		const { server, portal } = await start();
		// Ada allowed the portal, then left the project.
		server.app.registry.change('project/p1', (roots) => roots.members.delete('ada'));
		const former = await requestTicket(server, portal.apiKey, {
			email: 'ada@example.org',
			projectId: 'p1'
		});
		expect(former.status).toBe(403);
		expect(former.body.error.code).toBe('not-a-member');

		const other = createConsortium(server.app.db, {
			name: 'Elsewhere',
			mode: 'network-zone',
			zones: [{ kind: 'network', name: 'Elsewhere Office' }]
		});
		createProject(server.app.db, server.app.registry, other, { id: 'p2', name: 'Theirs' });
		const foreign = await requestTicket(server, portal.apiKey, {
			email: 'ada@example.org',
			projectId: 'p2'
		});
		expect(foreign.status).toBe(404);
		expect(foreign.body.error.code).toBe('project-not-found');
	});

	it('issues nothing for a project of its consortium the portal does not serve', async () => {
		// Institution-zone management: each library has its project, and the consortium several.
		const { server, portal } = await start({}, 'institution-zone');
		// Ada is a Project Admin of p3 too, but the portal was registered for p1 only.
		const consortium = findConsortium(server.app.db, portal.consortiumId)!;
		createProject(server.app.db, server.app.registry, consortium, {
			id: 'p3',
			name: 'Other',
			ownerZoneId: 'borealis'
		});
		putMember(server.app.db, server.app.registry, 'p3', {
			accountId: 'ada',
			email: 'ada@example.org',
			name: 'Name of ada',
			role: 'admin',
			zoneId: 'nz'
		});
		const refused = await requestTicket(server, portal.apiKey, {
			email: 'ada@example.org',
			projectId: 'p3'
		});
		expect(refused.status).toBe(403);
		expect(refused.body.error).toMatchObject({
			code: 'project-not-in-portal',
			message: expect.stringContaining('not registered for this project')
		});
		expect(server.app.db.prepare('SELECT count(*) FROM embed_tickets').pluck().get()).toBe(0);

		// Nor does a ticket for it, however it came to exist, open a session there.
		const { ticket } = issueTicket(
			server.app.authDb,
			{ portalId: portal.id, accountId: 'ada', projectId: 'p3' },
			30 * SECOND
		);
		const exchanged = await exchangeTicket(server, {
			ticket,
			portalId: portal.id,
			projectId: 'p3'
		});
		expect(exchanged.status).toBe(403);
		expect(exchanged.body.error.code).toBe('project-not-in-portal');
		expect(server.app.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
	});

	it('validates the body and answers without a stack trace', async () => {
		const { server, portal } = await start();
		const bad = await requestTicket(server, portal.apiKey, {
			email: 'not an address',
			projectId: '../x'
		});
		expect(bad.status).toBe(400);
		expect(Object.keys(bad.body.error.fields).sort()).toEqual(['email', 'projectId']);
		expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts/);
	});

	it('limits the tickets one portal can get', async () => {
		const { server, portal } = await start({
			rateLimits: {
				...DEFAULT_EMBED_SETTINGS.rateLimits,
				ticketsPerPortal: { limit: 2, windowMs: MINUTE }
			}
		});
		await ticketFor(server, portal);
		await ticketFor(server, portal);
		const limited = await requestTicket(server, portal.apiKey, {
			email: 'ada@example.org',
			projectId: 'p1'
		});
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('60');
		clock.advance(MINUTE);
		await ticketFor(server, portal);
	});
});

describe('exchanging a ticket for an embedded session', () => {
	it('gives a short-lived embedded session, once', async () => {
		const { server, portal } = await start();
		const { ticket } = await ticketFor(server, portal);
		const exchanged = await exchangeTicket(server, {
			ticket,
			portalId: portal.id,
			projectId: 'p1'
		});
		expect(exchanged.status).toBe(200);
		expect(exchanged.body).toMatchObject({
			account: { id: 'ada', name: 'Name of ada' },
			portal: { id: portal.id, name: 'Library Portal' },
			projectId: 'p1',
			expiresAt: clock.time + 15 * MINUTE
		});
		expect(exchanged.headers.get('set-cookie')).toBeNull();
		const row = server.app.db
			.prepare('SELECT embedded_portal_id, embedded_project_id FROM sessions')
			.get();
		expect(row).toEqual({ embedded_portal_id: portal.id, embedded_project_id: 'p1' });

		const replayed = await exchangeTicket(server, { ticket, portalId: portal.id, projectId: 'p1' });
		expect(replayed.status).toBe(400);
		expect(replayed.body.error.code).toBe('ticket-used');
	});

	it('refuses an expired ticket', async () => {
		const { server, portal } = await start();
		const { ticket } = await ticketFor(server, portal);
		clock.advance(30 * SECOND);
		const late = await exchangeTicket(server, { ticket, portalId: portal.id, projectId: 'p1' });
		expect(late.status).toBe(400);
		expect(late.body.error.code).toBe('ticket-expired');
	});

	it('refuses a ticket presented for another portal, and burns it', async () => {
		const { server, portal } = await start();
		const other = registerTestPortal(server, { name: 'Other', origins: ['https://evil.example'] });
		const { ticket } = await ticketFor(server, portal);
		const stolen = await exchangeTicket(server, { ticket, portalId: other.id, projectId: 'p1' });
		expect(stolen.status).toBe(403);
		expect(stolen.body.error.code).toBe('ticket-mismatch');
		const afterwards = await exchangeTicket(server, {
			ticket,
			portalId: portal.id,
			projectId: 'p1'
		});
		expect(afterwards.body.error.code).toBe('ticket-used');
		expect(server.app.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
	});

	it('refuses the exchange from another origin', async () => {
		const { server, portal } = await start();
		const { ticket } = await ticketFor(server, portal);
		const evil = new TestClient(server, { origin: 'https://portal.example.org' });
		const refused = await evil.post('/api/embed/session', {
			ticket,
			portalId: portal.id,
			projectId: 'p1'
		});
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('cross-origin');
	});

	it('lets the embedded session end itself, but never reach the account', async () => {
		const { server, portal } = await start();
		const { ticket } = await ticketFor(server, portal);
		const { token } = (
			await exchangeTicket(server, { ticket, portalId: portal.id, projectId: 'p1' })
		).body;
		const iframe = new TestClient(server);
		const bearer = { Authorization: `Bearer ${token}` };

		expect((await iframe.get('/api/auth/session', bearer)).status).toBe(401);
		expect((await iframe.get('/api/account/sessions', bearer)).status).toBe(401);
		const takeover = await iframe.request(
			'POST',
			'/api/account/email',
			{ email: 'attacker@example.com' },
			bearer
		);
		expect(takeover.status).toBe(401);

		expect((await iframe.post('/api/auth/sign-out', undefined, bearer)).status).toBe(204);
		expect(server.app.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
	});

	it('lists the embedded session among the person’s sessions, marked as embedded', async () => {
		const { server, portal } = await start();
		const { ticket } = await ticketFor(server, portal);
		await exchangeTicket(server, { ticket, portalId: portal.id, projectId: 'p1' });
		const browser = new TestClient(server);
		const { token } = createSession(server.app.authDb, 'ada', { ip: '127.0.0.1', userAgent: 'x' });
		browser.cookies.set(sessionCookieName(server.app.site), token);

		const listed = await browser.get('/api/account/sessions');
		expect(
			listed.body.sessions.map((session: { current: boolean; embedded: boolean }) => [
				session.current,
				session.embedded
			])
		).toEqual(
			expect.arrayContaining([
				[true, false],
				[false, true]
			])
		);
	});

	it('tells the iframe which origins its portal has, and nothing of a revoked one', async () => {
		const { server, portal } = await start();
		const info = await new TestClient(server).get(`/api/embed/portals/${portal.id}`);
		expect(info.body).toEqual({
			id: portal.id,
			name: 'Library Portal',
			origins: ['https://portal.example.org']
		});
		server.app.db.prepare('UPDATE embed_portals SET revoked_at = 1').run();
		expect((await new TestClient(server).get(`/api/embed/portals/${portal.id}`)).status).toBe(404);
	});
});
