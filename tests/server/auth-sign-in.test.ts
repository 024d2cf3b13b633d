import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestAccount, signInWithLink, startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('signing in', () => {
	let smtp: TestSmtpServer;
	let server: TestServer;
	let clock: TestClock;
	let ada: TestClient;

	beforeEach(async () => {
		smtp = await startSmtpServer();
		clock = new TestClock();
		server = await startAuthServer({ smtp, clock });
		await createTestAccount(server, {
			email: 'ada@library.example.edu',
			name: 'Ada',
			password: 'correct horse'
		});
		ada = new TestClient(server);
	});
	afterEach(async () => {
		await server.close();
		await smtp.stop();
	});

	async function requestLinkToken(email: string): Promise<string> {
		const response = await ada.post('/api/auth/link', { email });
		expect(response.status).toBe(202);
		const mail = await smtp.nextMessageTo(email);
		return tokenFromLink(extractLink(mail, '/sign-in/link'));
	}

	it('signs a person in with the link emailed to them', async () => {
		const response = await ada.post('/api/auth/link', { email: 'Ada@Library.example.edu' });
		expect(response).toMatchObject({ status: 202, body: { ok: true } });

		const mail = await smtp.nextMessageTo('ada@library.example.edu');
		const link = extractLink(mail, '/sign-in/link');
		expect(link.startsWith(`${server.url}/sign-in/link#token=`)).toBe(true);
		expect(mail.html).toContain(`href="${link}"`);

		const consumed = await ada.post('/api/auth/link/consume', { token: tokenFromLink(link) });
		expect(consumed.status).toBe(200);
		expect(consumed.body.account).toMatchObject({
			email: 'ada@library.example.edu',
			name: 'Ada',
			hasPassword: true
		});
		expect(consumed.body.account).not.toHaveProperty('passwordHash');
		expect(consumed.headers.getSetCookie()[0]).toMatch(
			/^session=[a-z0-9]+\.[a-z0-9]+; HttpOnly; SameSite=Lax; Path=\//
		);
		expect(consumed.headers.getSetCookie()[0]).toContain(
			`Expires=${new Date(clock.time + 30 * DAY).toUTCString()}`
		);

		const session = await ada.get('/api/auth/session');
		expect(session.status).toBe(200);
		expect(session.body.account).toMatchObject({
			email: 'ada@library.example.edu',
			name: 'Ada',
			hasPassword: true
		});
		expect(session.body.session.expiresAt).toBe(clock.time + 7 * DAY);
	});

	it('refuses a link that was already used', async () => {
		const token = await requestLinkToken('ada@library.example.edu');
		expect((await ada.post('/api/auth/link/consume', { token })).status).toBe(200);

		const again = await new TestClient(server).post('/api/auth/link/consume', { token });
		expect(again.status).toBe(400);
		expect(again.body.error.code).toBe('token-used');
		expect(again.body.error.message).toMatch(/already been used/);
	});

	it('refuses an expired link with a message that says to ask for a new one', async () => {
		const token = await requestLinkToken('ada@library.example.edu');
		clock.advance(15 * MINUTE);

		const response = await ada.post('/api/auth/link/consume', { token });
		expect(response.status).toBe(400);
		expect(response.body.error).toEqual({
			code: 'token-expired',
			message: 'This link has expired. Ask for a new one.'
		});
		expect(ada.cookies.size).toBe(0);
	});

	it('refuses a made-up token as not valid', async () => {
		const response = await ada.post('/api/auth/link/consume', { token: 'a'.repeat(32) });
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe('token-invalid');
	});

	it('refuses a token issued for another purpose', async () => {
		await ada.post('/api/auth/password-reset', { email: 'ada@library.example.edu' });
		const mail = await smtp.nextMessageTo('ada@library.example.edu');
		const token = tokenFromLink(extractLink(mail, '/reset-password'));

		const response = await ada.post('/api/auth/link/consume', { token });
		expect(response.body.error.code).toBe('token-invalid');
	});

	it('signs in with the right password', async () => {
		const response = await ada.post('/api/auth/password', {
			email: 'ada@library.example.edu',
			password: 'correct horse'
		});
		expect(response.status).toBe(200);
		expect(response.body.account.email).toBe('ada@library.example.edu');
		expect((await ada.get('/api/auth/session')).status).toBe(200);
	});

	it('answers a wrong password and an unknown address with the same 401', async () => {
		await createTestAccount(server, { email: 'linkonly@library.example.edu' });
		const attempts = [
			{ email: 'ada@library.example.edu', password: 'wrong horse' },
			{ email: 'nobody@library.example.edu', password: 'correct horse' },
			{ email: 'linkonly@library.example.edu', password: 'correct horse' }
		];
		for (const attempt of attempts) {
			const response = await ada.post('/api/auth/password', attempt);
			expect(response.status).toBe(401);
			expect(response.body).toEqual({
				error: { code: 'invalid-credentials', message: 'The email address or password is wrong.' }
			});
		}
		expect(ada.cookies.size).toBe(0);
	});

	it('gives a new session at each sign-in and ends the one presented before', async () => {
		await signInWithLink(ada, smtp, 'ada@library.example.edu');
		const first = ada.cookies.get('session');
		await ada.post('/api/auth/password', {
			email: 'ada@library.example.edu',
			password: 'correct horse'
		});
		const second = ada.cookies.get('session');

		expect(second).not.toBe(first);
		const stale = await new TestClient(server).get('/api/auth/session', {
			Cookie: `session=${first}`
		});
		expect(stale.status).toBe(401);
	});

	it('ends the session on sign-out and clears the cookie', async () => {
		await signInWithLink(ada, smtp, 'ada@library.example.edu');
		const token = ada.cookies.get('session')!;

		const response = await ada.post('/api/auth/sign-out');
		expect(response.status).toBe(204);
		expect(response.headers.getSetCookie()[0]).toMatch(/^session=; .*Max-Age=0/);
		expect(ada.cookies.size).toBe(0);

		const replayed = await new TestClient(server).get('/api/auth/session', {
			Cookie: `session=${token}`
		});
		expect(replayed.status).toBe(401);
	});

	it('answers 401 unauthenticated when nobody is signed in', async () => {
		const response = await ada.get('/api/auth/session');
		expect(response.status).toBe(401);
		expect(response.body.error.code).toBe('unauthenticated');
	});

	it('accepts the session token as a Bearer token, for an embedded widget without cookies', async () => {
		await signInWithLink(ada, smtp, 'ada@library.example.edu');
		const token = ada.cookies.get('session')!;

		const widget = new TestClient(server);
		const response = await widget.get('/api/auth/session', { Authorization: `Bearer ${token}` });
		expect(response.status).toBe(200);
		expect(response.body.account.email).toBe('ada@library.example.edu');
	});

	it('refuses a session token whose secret part was altered', async () => {
		await signInWithLink(ada, smtp, 'ada@library.example.edu');
		const [id, secret] = ada.cookies.get('session')!.split('.') as [string, string];
		const altered = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;

		const response = await new TestClient(server).get('/api/auth/session', {
			Cookie: `session=${altered}`
		});
		expect(response.status).toBe(401);
	});
});
