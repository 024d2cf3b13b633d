import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '@oslojs/crypto/sha2';
import { lockDataDirectory } from '../../server/bootstrap/lock';
import { authenticateApiKey } from '../../server/embed/portals';
import { createAccount } from '../../server/auth/accounts';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import { requestTicket } from '../support/embed';
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
	const { token } = createSession(server.app.db, accountId, { ip: '127.0.0.1', userAgent: 'test' });
	client.cookies.set(sessionCookieName(server.app.site), token);
	return client;
}

const PORTAL = { name: 'Library Portal', origins: ['https://portal.example.org'] };

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
		expect(authenticateApiKey(server.app.db, `${apiKey.slice(0, -1)}a`)).toBeNull();
	});

	it('refuses an Institution Zone Project Admin, and says why', async () => {
		const { server, consortiumId } = await start('institution-zone', [
			{ accountId: 'ivy', role: 'admin', zone: 'aurora' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' }
		]);

		const ivy = consoleOf(server, 'ivy');
		const listed = await ivy.get(`/api/consortia/${consortiumId}/portals`);
		expect(listed.status).toBe(200);
		expect(listed.body.canManage).toEqual({
			allowed: false,
			code: 'portal-managers-only',
			message: expect.stringContaining(
				'You are a Project Admin of Analytics from an Institution Zone'
			)
		});
		const refused = await ivy.post(`/api/consortia/${consortiumId}/portals`, PORTAL);
		expect(refused.status).toBe(403);
		expect(refused.body.error.message).toContain('Only Project Admins from the Network Zone');

		const nia = await consoleOf(server, 'nia').post(
			`/api/consortia/${consortiumId}/portals`,
			PORTAL
		);
		expect(nia.body.error.message).toContain('You are Analyst in Analytics');
		expect(server.app.db.prepare('SELECT count(*) FROM embed_portals').pluck().get()).toBe(0);
	});

	it('does not show a consortium to someone outside its projects', async () => {
		const { server, consortiumId } = await start('network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		createAccount(server.app.db, { id: 'out', email: 'out@example.org', name: 'Out' });
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
				name: 'Bad',
				origins: [origin]
			});
			expect(refused.status, origin).toBe(400);
			expect(Object.keys(refused.body.error.fields)).toEqual(['origins.0']);
		}
		const normalized = await ada.post(`/api/consortia/${consortiumId}/portals`, {
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

	it('registers a portal whose printed key gets tickets, lists it, and revokes it at once', async () => {
		const { server, consortiumId } = await start('network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' }
		]);
		// The server holds the data directory, as `npm start` does.
		const lock = lockDataDirectory(server.dataDir);
		expect(lock.ok).toBe(true);
		try {
			const registered = await admin(server, [
				'register-portal',
				'--consortium',
				consortiumId,
				'--name',
				'Office Portal',
				'--origin',
				'https://portal.example.org'
			]);
			expect(registered.code).toBe(0);
			const apiKey = /ccsk_\S+/.exec(registered.out)![0];
			const portalId = /id=(\S+)/.exec(registered.out)![1]!;
			const body = { email: 'ada@example.org', projectId: 'p1' };
			expect((await requestTicket(server, apiKey, body)).status).toBe(201);

			const listed = await admin(server, ['list-portals']);
			expect(listed.out).toContain(`Office Portal id=${portalId}`);
			expect(listed.out).not.toContain(apiKey);

			expect((await admin(server, ['revoke-portal', '--portal', portalId])).code).toBe(0);
			expect((await requestTicket(server, apiKey, body)).status).toBe(401);

			const bad = await admin(server, [
				'register-portal',
				'--consortium',
				consortiumId,
				'--name',
				'Bad',
				'--origin',
				'http://portal.example.org'
			]);
			expect(bad.code).toBe(1);
			expect(bad.out).toContain('--origin: Use https://');
		} finally {
			if (lock.ok) lock.release();
		}
	});
});
