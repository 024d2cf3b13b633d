import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/database';
import {
	createTestAccount,
	signInWithLink,
	startAuthServer,
	TestClock,
	type AuthServerOptions
} from '../support/auth';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';

const ADA = 'ada@library.example.edu';
const MINUTE = 60_000;

describe('the identity API’s defences', () => {
	let server: TestServer | undefined;
	let smtp: TestSmtpServer | undefined;

	afterEach(async () => {
		await server?.close();
		await smtp?.stop();
		server = smtp = undefined;
	});

	async function start(options: AuthServerOptions = {}): Promise<TestServer> {
		server = await startAuthServer(options);
		await createTestAccount(server, { email: ADA, name: 'Ada', password: 'correct horse' });
		return server;
	}

	function outboxRecipients(db: Db): string[] {
		return db.prepare('SELECT to_address FROM mail_outbox').pluck().all() as string[];
	}

	describe('against requests from other sites', () => {
		it('refuses a state-changing request from another origin', async () => {
			const server = await start();
			const evil = new TestClient(server, { origin: 'https://evil.example.com' });

			const response = await evil.post('/api/auth/link', { email: ADA });
			expect(response.status).toBe(403);
			expect(response.body.error.code).toBe('cross-origin');
			const password = await evil.post('/api/auth/password', {
				email: ADA,
				password: 'correct horse'
			});
			expect(password.status).toBe(403);
			expect(outboxRecipients(server.app.db)).toEqual([]);
		});

		it('refuses a state-changing request that says nothing of its origin', async () => {
			const server = await start();
			const silent = new TestClient(server, { origin: null });

			const response = await silent.post('/api/auth/password', {
				email: ADA,
				password: 'correct horse'
			});
			expect(response.status).toBe(403);
			expect(response.body.error.code).toBe('origin-required');
			expect(response.headers.getSetCookie()).toEqual([]);
		});

		it('refuses to end sessions for another site, even with the session cookie', async () => {
			const server = await start();
			const ada = new TestClient(server);
			await ada.post('/api/auth/password', { email: ADA, password: 'correct horse' });
			const evil = new TestClient(server, { origin: 'https://evil.example.com' });
			evil.cookies.set('session', ada.cookies.get('session')!);

			expect((await evil.post('/api/auth/sign-out')).status).toBe(403);
			expect((await evil.post('/api/account/sessions/end-others')).status).toBe(403);
			expect((await ada.get('/api/auth/session')).status).toBe(200);
		});
	});

	describe('against malformed input', () => {
		it('answers an invalid body with 400 and the fields at fault', async () => {
			const server = await start();
			const client = new TestClient(server);

			const badEmail = await client.post('/api/auth/link', { email: 'not an address' });
			expect(badEmail.status).toBe(400);
			expect(badEmail.body.error).toMatchObject({
				code: 'invalid-input',
				fields: { email: ['Enter a valid email address'] }
			});

			const empty = await client.post('/api/auth/password', {});
			expect(empty.status).toBe(400);
			expect(Object.keys(empty.body.error.fields).sort()).toEqual(['email', 'password']);

			const wrongType = await client.post('/api/auth/link/consume', { token: 42 });
			expect(wrongType.body.error.fields).toHaveProperty('token');

			const tooLong = await client.post('/api/auth/password', {
				email: ADA,
				password: 'x'.repeat(129)
			});
			expect(tooLong.body.error.fields.password).toEqual(['A password has at most 128 characters']);
		});

		it('answers a body that is not JSON with 400, and never with a stack trace', async () => {
			const server = await start();
			const response = await new TestClient(server).post('/api/auth/link', '{"email":');
			expect(response.status).toBe(400);
			expect(response.body).toEqual({
				error: { code: 'invalid-json', message: 'The body is not valid JSON.' }
			});
		});

		it('tells clients and proxies never to store an answer', async () => {
			const server = await start();
			const client = new TestClient(server);
			const signedIn = await client.post('/api/auth/password', {
				email: ADA,
				password: 'correct horse'
			});
			expect(signedIn.headers.get('cache-control')).toBe('no-store');
			expect((await client.get('/api/auth/session')).headers.get('cache-control')).toBe('no-store');
		});
	});

	describe('against account enumeration', () => {
		it('answers a sign-in link request the same for known and unknown addresses, and mails only the known', async () => {
			smtp = await startSmtpServer();
			const server = await start({ smtp });
			const client = new TestClient(server);

			const unknown = await client.post('/api/auth/link', { email: 'nobody@library.example.edu' });
			const known = await client.post('/api/auth/link', { email: ADA });
			expect(unknown.status).toBe(known.status);
			expect(unknown.body).toEqual(known.body);
			expect(unknown.headers.get('content-type')).toBe(known.headers.get('content-type'));

			// Delivery is in order: once the known address has its mail, the unknown one would have too.
			await smtp.nextMessageTo(ADA);
			expect(smtp.received.flatMap((mail) => mail.to)).toEqual([ADA]);
			expect(outboxRecipients(server.app.db)).toEqual([ADA]);
		});

		it('answers a password reset request the same for known and unknown addresses', async () => {
			const server = await start();
			const client = new TestClient(server);

			const unknown = await client.post('/api/auth/password-reset', {
				email: 'nobody@library.example.edu'
			});
			const known = await client.post('/api/auth/password-reset', { email: ADA });
			expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
			expect(outboxRecipients(server.app.db)).toEqual([ADA]);
		});
	});

	describe('with rate limits', () => {
		const window = { windowMs: MINUTE };

		it('limits link requests per address with a 429 and Retry-After, then lets them through again', async () => {
			const clock = new TestClock();
			const server = await start({
				clock,
				policy: { rateLimits: limits({ mailPerEmail: { limit: 2, ...window } }) }
			});
			const client = new TestClient(server);
			const ask = () => client.post('/api/auth/link', { email: ADA });

			expect((await ask()).status).toBe(202);
			expect((await ask()).status).toBe(202);
			const limited = await ask();
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('60');
			expect(limited.body.error).toEqual({
				code: 'rate-limited',
				message: 'Too many attempts. Try again in 60 seconds.',
				data: { retryAfterSeconds: 60 }
			});

			clock.advance(MINUTE);
			expect((await ask()).status).toBe(202);
			expect(outboxRecipients(server.app.db)).toHaveLength(3);
		});

		it('limits mail requests per client across many addresses', async () => {
			const server = await start({
				policy: { rateLimits: limits({ mailPerIp: { limit: 3, ...window } }) }
			});
			const client = new TestClient(server);
			for (const name of ['one', 'two', 'three']) {
				const response = await client.post('/api/auth/password-reset', {
					email: `${name}@library.example.edu`
				});
				expect(response.status).toBe(202);
			}
			const fourth = await client.post('/api/auth/link', { email: 'four@library.example.edu' });
			expect(fourth.status).toBe(429);
		});

		it('limits password guesses per account, even from many clients, and the right one after', async () => {
			const clock = new TestClock();
			const server = await start({
				clock,
				policy: { rateLimits: limits({ secretPerEmail: { limit: 3, ...window } }) }
			});
			const guess = (password: string) =>
				new TestClient(server).post('/api/auth/password', { email: ADA, password });

			for (let attempt = 0; attempt < 3; attempt++) expect((await guess('wrong')).status).toBe(401);
			expect((await guess('correct horse')).status).toBe(429);

			clock.advance(MINUTE);
			expect((await guess('correct horse')).status).toBe(200);
		});

		it('limits link-token guesses per client', async () => {
			const server = await start({
				policy: { rateLimits: limits({ secretPerIp: { limit: 3, ...window } }) }
			});
			const client = new TestClient(server);
			for (let attempt = 0; attempt < 3; attempt++) {
				const response = await client.post('/api/auth/link/consume', { token: `guess${attempt}` });
				expect(response.status).toBe(400);
			}
			expect((await client.post('/api/auth/link/consume', { token: 'guess' })).status).toBe(429);
		});
	});

	it('never keeps a link token or a session secret in the database in clear', async () => {
		smtp = await startSmtpServer();
		const server = await start({ smtp });
		const ada = new TestClient(server);
		await signInWithLink(ada, smtp, ADA);
		const secrets = [ada.cookies.get('session')!];

		await ada.post('/api/auth/password-reset', { email: ADA });
		const reset = tokenFromLink(extractLink(await smtp.nextMessageTo(ADA), '/reset-password'));
		await ada.post('/api/auth/password-reset/confirm', { token: reset, password: 'new password' });
		secrets.push(reset, ada.cookies.get('session')!);

		await ada.post('/api/account/email', { email: 'ada@consortium.example.org' });
		const change = await smtp.nextMessageTo('ada@consortium.example.org');
		secrets.push(tokenFromLink(extractLink(change, '/verify-email')));
		await eventually(
			() =>
				server.app.db
					.prepare(`SELECT count(*) FROM mail_outbox WHERE status = 'queued'`)
					.pluck()
					.get() === 0,
			'the outbox to be delivered'
		);

		const stored = everyStoredValue(server.app.db);
		for (const secret of secrets) {
			const [idOrToken, sessionSecret] = secret.split('.');
			expect(stored).not.toContain(sessionSecret ?? idOrToken);
			expect(stored).not.toContain(secret);
		}
		// The scan sees what is stored: the session's id (its public half) is there.
		expect(stored).toContain(ada.cookies.get('session')!.split('.')[0]);
	});

	it('names the cookie __Host-session and marks it Secure when the console is served over HTTPS', async () => {
		const site = 'https://console.example.org';
		const server = await start({ config: { publicUrl: site } });
		const { port } = server.app.server.address() as AddressInfo;
		const baseUrl = `http://127.0.0.1:${port}`;
		const ada = new TestClient(server, { origin: site, baseUrl });

		const response = await ada.post('/api/auth/password', {
			email: ADA,
			password: 'correct horse'
		});
		const cookie = response.headers.getSetCookie()[0]!;
		expect(cookie).toMatch(
			/^__Host-session=[a-z0-9.]+; HttpOnly; SameSite=Lax; Path=\/; Secure; Expires=/
		);
		expect((await ada.get('/api/auth/session')).status).toBe(200);

		const token = ada.cookies.get('__Host-session')!;
		const plain = await new TestClient(server, { baseUrl }).get('/api/auth/session', {
			Cookie: `session=${token}`
		});
		expect(plain.status).toBe(401);

		await ada.post('/api/auth/link', { email: ADA });
		const text = server.app.db.prepare('SELECT text FROM mail_outbox').pluck().get() as string;
		expect(text).toContain(`${site}/sign-in/link#token=`);
	});
});

function limits(changes: object) {
	const unlimited = { limit: 1000, windowMs: MINUTE };
	return {
		mailPerIp: unlimited,
		mailPerEmail: unlimited,
		secretPerIp: unlimited,
		secretPerEmail: unlimited,
		invitesPerInviter: unlimited,
		invitesPerEmail: unlimited,
		invitesByFilePerInviter: unlimited,
		...changes
	};
}

/** Every value of every table, as text (BLOBs both as bytes and as hex), one per line. */
function everyStoredValue(db: Db): string {
	const tables = db
		.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
		.pluck()
		.all() as string[];
	const values: string[] = [];
	for (const table of tables) {
		for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
			for (const value of Object.values(row)) {
				if (value instanceof Uint8Array) {
					values.push(Buffer.from(value).toString('latin1'), Buffer.from(value).toString('hex'));
				} else values.push(String(value));
			}
		}
	}
	return values.join('\n');
}
