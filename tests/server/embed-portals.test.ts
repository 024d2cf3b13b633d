import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '@oslojs/crypto/sha2';
import { lockDataDirectory } from '../../server/bootstrap/lock';
import { createProject, putMember } from '../../server/consortium/projects';
import { createConsortium, findConsortium } from '../../server/consortium/store';
import { openDatabase, migrate } from '../../server/db/database';
import { MIGRATIONS } from '../../server/schema';
import { authenticateApiKey, findPortal } from '../../server/embed/portals';
import { createAccount } from '../../server/auth/accounts';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import { grantPortal, requestTicket } from '../support/embed';
import type { TestServer } from '../support/server';
import { setUpProject, type Person } from '../support/sync';

let server: TestServer | undefined;

afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function start(mode: 'network-zone' | 'institution-zone', people: Person[]) {
	server = await startAuthServer();
	setUpProject(server, mode, people);
	const consortiumId = server.app.db
		.prepare("SELECT consortium_id FROM projects WHERE id = 'p1'")
		.pluck()
		.get() as string;
	return { server, consortiumId };
}

/** A browser of the console, signed in as the account (its session cookie). */
function consoleOf(server: TestServer, accountId: string, origin?: string): TestClient {
	const client = new TestClient(server, origin ? { origin } : {});
	const { token } = createSession(server.app.authDb, accountId, {
		ip: '127.0.0.1',
		userAgent: 'test'
	});
	client.cookies.set(sessionCookieName(server.app.site), token);
	return client;
}

const PORTAL = {
	name: 'Library Portal',
	origins: ['https://portal.example.org'],
	projectIds: ['p1']
};

/** A second project of the consortium, owned by Borealis, with `admin` as its Project Admin. */
function addProject(server: TestServer, consortiumId: string, id: string, admin: string) {
	const consortium = findConsortium(server.app.db, consortiumId)!;
	createProject(server.app.db, server.app.registry, consortium, {
		id,
		name: `Project ${id}`,
		ownerZoneId: 'borealis'
	});
	const email = `${admin}@example.org`;
	createAccount(server.app.authDb, { id: admin, email, name: `Name of ${admin}` });
	putMember(server.app.db, server.app.registry, id, {
		accountId: admin,
		email,
		name: `Name of ${admin}`,
		role: 'admin',
		zoneId: 'borealis'
	});
}

describe('registering a portal in the console', () => {
	it('gives a Network Zone Project Admin the API key once, and stores only its hash', async () => {
		const { server, consortiumId } = await start('network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		const ada = consoleOf(server, 'ada');

		const registered = await ada.post(`/api/consortia/${consortiumId}/portals`, PORTAL);
		expect(registered.status).toBe(201);
		const { apiKey, portal } = registered.body;
		expect(apiKey).toMatch(/^ccsk_[a-z2-7]{16}_[a-z2-7]{32}$/);
		expect(portal).toMatchObject({ name: 'Library Portal', createdByName: 'Name of ada' });

		const listed = await ada.get(`/api/consortia/${consortiumId}/portals`);
		expect(JSON.stringify(listed.body)).not.toContain(apiKey.split('_')[2]);
		expect(listed.body.portals).toEqual([expect.objectContaining({ id: portal.id })]);

		const row = server.app.db
			.prepare('SELECT * FROM embed_portals WHERE id = ?')
			.get(portal.id) as Record<string, unknown>;
		const secret = apiKey.split('_')[2] as string;
		expect(Buffer.from(row.key_hash as Uint8Array)).toEqual(
			Buffer.from(sha256(new TextEncoder().encode(secret)))
		);
		const everything = JSON.stringify(
			server.app.db.prepare('SELECT * FROM embed_portals').all(),
			(_key, value: unknown) =>
				value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value
		);
		expect(everything).not.toContain(secret);
		expect(authenticateApiKey(server.app.db, apiKey)?.id).toBe(portal.id);
		expect(
			authenticateApiKey(server.app.db, `${apiKey.slice(0, -1)}${apiKey.endsWith('a') ? 'b' : 'a'}`)
		).toBeNull();
	});

	it('lets a Project Admin register a portal for the projects they administer, and no other', async () => {
		const { server, consortiumId } = await start('institution-zone', [
			{ accountId: 'ivy', role: 'admin', zone: 'aurora' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' }
		]);
		// Borealis's own project: Ivy (Aurora) is no member of it.
		addProject(server, consortiumId, 'p2', 'bea');
		const ivy = consoleOf(server, 'ivy');

		const listed = await ivy.get(`/api/consortia/${consortiumId}/portals`);
		expect(listed.body.canRegister).toEqual({ ok: true });
		expect(listed.body.projects).toEqual([{ id: 'p1', name: 'Analytics' }]);

		const both = await ivy.post(`/api/consortia/${consortiumId}/portals`, {
			...PORTAL,
			projectIds: ['p1', 'p2']
		});
		expect(both.status).toBe(403);
		expect(both.body.error).toMatchObject({
			code: 'portal-project-admins-only',
			message: expect.stringContaining('you are not one of p2')
		});
		expect(both.body.error.message).not.toContain('Project p2');

		const nia = consoleOf(server, 'nia');
		expect((await nia.get(`/api/consortia/${consortiumId}/portals`)).body.canRegister).toEqual({
			ok: false,
			code: 'portal-project-admins-only',
			message: expect.stringContaining('You are Analyst in Analytics')
		});
		const refused = await nia.post(`/api/consortia/${consortiumId}/portals`, PORTAL);
		expect(refused.status).toBe(403);
		expect(refused.body.error.message).toContain('Only Project Admins can register portals');
		expect(server.app.db.prepare('SELECT count(*) FROM embed_portals').pluck().get()).toBe(0);

		const own = await ivy.post(`/api/consortia/${consortiumId}/portals`, PORTAL);
		expect(own.status).toBe(201);
		expect(own.body.portal).toMatchObject({
			projects: [{ id: 'p1', name: 'Analytics' }],
			otherProjects: 0
		});
		const { apiKey } = own.body;
		grantPortal(server, own.body.portal, 'ivy');
		expect(
			(await requestTicket(server, apiKey, { email: 'ivy@example.org', projectId: 'p1' })).status
		).toBe(201);
		const elsewhere = await requestTicket(server, apiKey, {
			email: 'bea@example.org',
			projectId: 'p2'
		});
		expect(elsewhere.status).toBe(403);
		expect(elsewhere.body.error.code).toBe('project-not-in-portal');
	});

	it('lets the Network Zone’s Project Admins and those of a served project revoke a portal, nobody else', async () => {
		const { server, consortiumId } = await start('institution-zone', [
			{ accountId: 'ivy', role: 'admin', zone: 'aurora' },
			{ accountId: 'ned', role: 'admin', zone: 'nz' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' }
		]);
		addProject(server, consortiumId, 'p2', 'bea');
		const portals = `/api/consortia/${consortiumId}/portals`;
		const first = (await consoleOf(server, 'ivy').post(portals, PORTAL)).body.portal;
		const second = (await consoleOf(server, 'ivy').post(portals, { ...PORTAL, name: 'Second' }))
			.body.portal;

		// Bea administers another project only: she sees that the portal serves one project, unnamed.
		const bea = consoleOf(server, 'bea');
		const seen = (await bea.get(portals)).body.portals[0];
		expect(seen).toMatchObject({
			projects: [],
			otherProjects: 1,
			canRevoke: { ok: false, code: 'portal-managers-only' }
		});
		const refused = await bea.delete(`${portals}/${first.id}`);
		expect(refused.status).toBe(403);
		expect(refused.body.error.message).toContain('or of a project the portal serves');
		expect((await consoleOf(server, 'nia').delete(`${portals}/${first.id}`)).status).toBe(403);

		expect((await consoleOf(server, 'ivy').delete(`${portals}/${first.id}`)).status).toBe(204);
		expect((await consoleOf(server, 'ned').delete(`${portals}/${second.id}`)).status).toBe(204);
		expect(findPortal(server.app.db, first.id)?.revokedBy).toBe('ivy');
		expect(findPortal(server.app.db, second.id)?.revokedBy).toBe('ned');
	});

	it('does not show a consortium to someone outside its projects', async () => {
		const { server, consortiumId } = await start('network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		createAccount(server.app.authDb, { id: 'out', email: 'out@example.org', name: 'Out' });
		const outsider = await consoleOf(server, 'out').get(`/api/consortia/${consortiumId}/portals`);
		expect(outsider.status).toBe(404);
		const nobody = await new TestClient(server).get(`/api/consortia/${consortiumId}/portals`);
		expect(nobody.status).toBe(401);
	});

	it('refuses origins that are not plain https origins, naming the field', async () => {
		const { server, consortiumId } = await start('network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		const ada = consoleOf(server, 'ada');
		for (const origin of [
			'http://portal.example.org',
			'https://portal.example.org/path',
			'https://*.example.org',
			"https://portal.example.org 'unsafe-inline'",
			'javascript:alert(1)'
		]) {
			const refused = await ada.post(`/api/consortia/${consortiumId}/portals`, {
				...PORTAL,
				name: 'Bad',
				origins: [origin]
			});
			expect(refused.status, origin).toBe(400);
			expect(Object.keys(refused.body.error.fields)).toEqual(['origins.0']);
		}
		const noProject = await ada.post(`/api/consortia/${consortiumId}/portals`, {
			...PORTAL,
			projectIds: []
		});
		expect(noProject.status).toBe(400);
		expect(Object.keys(noProject.body.error.fields)).toEqual(['projectIds']);
		const normalized = await ada.post(`/api/consortia/${consortiumId}/portals`, {
			...PORTAL,
			name: 'Fine',
			origins: ['HTTPS://Portal.Example.org:443/', 'http://localhost:4000']
		});
		expect(normalized.body.portal.origins).toEqual([
			'https://portal.example.org',
			'http://localhost:4000'
		]);
	});

	it('refuses registering or revoking from another site', async () => {
		const { server, consortiumId } = await start('network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		const evil = consoleOf(server, 'ada', 'https://evil.example.com');
		const refused = await evil.post(`/api/consortia/${consortiumId}/portals`, PORTAL);
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('cross-origin');
	});

	it('stops the key at once when the portal is revoked in the console', async () => {
		const { server, consortiumId } = await start('network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		const ada = consoleOf(server, 'ada');
		const { apiKey, portal } = (await ada.post(`/api/consortia/${consortiumId}/portals`, PORTAL))
			.body;
		const body = { email: 'ada@example.org', projectId: 'p1' };
		grantPortal(server, portal, 'ada');
		expect((await requestTicket(server, apiKey, body)).status).toBe(201);

		const revoked = await ada.delete(`/api/consortia/${consortiumId}/portals/${portal.id}`);
		expect(revoked.status).toBe(204);
		const refused = await requestTicket(server, apiKey, body);
		expect(refused.status).toBe(401);
		expect(refused.body.error.code).toBe('api-key-invalid');
		const listed = await ada.get(`/api/consortia/${consortiumId}/portals`);
		expect(listed.body.portals[0].revokedAt).toEqual(expect.any(Number));
	});
});

describe('npm run admin, beside a running server', () => {
	function admin(server: TestServer, args: string[]): Promise<{ code: number; out: string }> {
		return new Promise((resolve) => {
			const child = spawn('npx', ['tsx', 'server/cli/admin.ts', ...args], {
				env: { ...process.env, DATA_DIR: server.dataDir },
				stdio: ['ignore', 'pipe', 'pipe']
			});
			let out = '';
			child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.on('close', (code) => resolve({ code: code ?? 1, out }));
		});
	}

	it('registers a portal for its projects only, whose printed key gets tickets; lists it, and revokes it at once', async () => {
		const { server, consortiumId } = await start('institution-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		// The server holds the data directory, as `npm start` does.
		const lock = lockDataDirectory(server.dataDir);
		expect(lock.ok).toBe(true);
		try {
			addProject(server, consortiumId, 'p2', 'bea');
			const other = createConsortium(server.app.db, {
				name: 'Elsewhere',
				mode: 'network-zone',
				zones: [{ kind: 'network', name: 'Elsewhere Office' }]
			});
			createProject(server.app.db, server.app.registry, other, { id: 'far', name: 'Theirs' });
			const portalOptions = ['--name', 'Office Portal', '--origin', 'https://portal.example.org'];

			const registered = await admin(server, [
				'register-portal',
				'--project',
				'p1',
				...portalOptions
			]);
			expect(registered.code).toBe(0);
			expect(registered.out).toContain('projects: p1\n');
			const apiKey = /ccsk_\S+/.exec(registered.out)![0];
			const portalId = /id=(\S+)/.exec(registered.out)![1]!;
			const body = { email: 'ada@example.org', projectId: 'p1' };
			grantPortal(server, { id: portalId }, 'ada');
			expect((await requestTicket(server, apiKey, body)).status).toBe(201);
			// The project's Project Admins are told, for the server to send.
			expect(
				server.app.db.prepare('SELECT to_address, subject FROM mail_outbox').all()
			).toContainEqual({
				to_address: 'ada@example.org',
				subject: 'The Northern Lights office registered the portal Office Portal for Analytics'
			});
			// Bea is a member of p2, in the same consortium: the portal does not serve it.
			const unlisted = await requestTicket(server, apiKey, {
				email: 'bea@example.org',
				projectId: 'p2'
			});
			expect(unlisted.status).toBe(403);
			expect(unlisted.body.error.code).toBe('project-not-in-portal');

			const listed = await admin(server, ['list-portals']);
			expect(listed.out).toContain(`Office Portal id=${portalId}`);
			expect(listed.out).toContain('projects: p1\n');
			expect(listed.out).not.toContain(apiKey);

			expect((await admin(server, ['revoke-portal', '--portal', portalId])).code).toBe(0);
			expect((await requestTicket(server, apiKey, body)).status).toBe(401);

			const bad = await admin(server, [
				'register-portal',
				'--project',
				'p1',
				'--name',
				'Bad',
				'--origin',
				'http://portal.example.org'
			]);
			expect(bad.code).toBe(1);
			expect(bad.out).toContain('--origin: Use https://');

			const mixed = await admin(server, [
				'register-portal',
				'--project',
				'p1',
				'--project',
				'far',
				...portalOptions
			]);
			expect(mixed.code).toBe(1);
			expect(mixed.out).toContain('--project: far is in another consortium than p1');
			expect(server.app.db.prepare('SELECT count(*) FROM embed_portals').pluck().get()).toBe(1);
		} finally {
			if (lock.ok) lock.release();
		}
		// Six runs of the command line, each starting Node and tsx.
	}, 120_000);
});

describe('portals registered before portals had projects', () => {
	it('serve every project of their consortium after the upgrade, and nothing else', () => {
		const before = MIGRATIONS.findIndex(
			(migration) => migration.id === 'embed-003-portal-projects'
		);
		const db = openDatabase(':memory:', MIGRATIONS.slice(0, before));
		db.exec(`
			INSERT INTO consortia (id, name, mode, created_at) VALUES
				('c1', 'Ours', 'network-zone', 0), ('c2', 'Theirs', 'network-zone', 0);
			INSERT INTO zones (id, consortium_id, kind, name) VALUES
				('z1', 'c1', 'network', 'Office'), ('z2', 'c2', 'network', 'Other office');
			INSERT INTO projects (id, consortium_id, owner_zone_id, name, created_at) VALUES
				('a', 'c1', 'z1', 'A', 0), ('b', 'c1', 'z1', 'B', 0), ('x', 'c2', 'z2', 'X', 0);
			INSERT INTO embed_portals (id, consortium_id, name, origins, key_hash, created_at)
				VALUES ('old', 'c1', 'Old Portal', '["https://portal.example.org"]', x'00', 0);`);

		migrate(db, MIGRATIONS);
		expect(findPortal(db, 'old')?.projectIds).toEqual(['a', 'b']);
		db.close();
	});
});
