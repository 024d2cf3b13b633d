import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestAccount, signInWithLink, startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';

const ADA = 'ada@library.example.edu';

describe('setting and resetting a password', () => {
	let smtp: TestSmtpServer;
	let server: TestServer;
	let clock: TestClock;

	beforeEach(async () => {
		smtp = await startSmtpServer();
		clock = new TestClock();
		server = await startAuthServer({ smtp, clock });
	});
	afterEach(async () => {
		await server.close();
		await smtp.stop();
	});

	async function resetToken(client: TestClient, email: string): Promise<string> {
		const response = await client.post('/api/auth/password-reset', { email });
		expect(response).toMatchObject({ status: 202, body: { ok: true } });
		const mail = await smtp.nextMessageTo(email);
		const link = extractLink(mail, '/reset-password');
		expect(link.startsWith(`${server.url}/reset-password#token=`)).toBe(true);
		return tokenFromLink(link);
	}

	it('resets a forgotten password through the emailed link and ends every other session', async () => {
		await createTestAccount(server, { email: ADA, name: 'Ada', password: 'old password' });
		const laptop = new TestClient(server);
		const phone = new TestClient(server);
		await signInWithLink(laptop, smtp, ADA);
		await signInWithLink(phone, smtp, ADA);

		const browser = new TestClient(server);
		const token = await resetToken(browser, ADA);
		const confirmed = await browser.post('/api/auth/password-reset/confirm', {
			token,
			password: 'new password'
		});
		expect(confirmed.status).toBe(200);
		expect(confirmed.body.account).toMatchObject({ email: ADA, hasPassword: true });
		expect((await browser.get('/api/auth/session')).status).toBe(200);

		expect((await laptop.get('/api/auth/session')).status).toBe(401);
		expect((await phone.get('/api/auth/session')).status).toBe(401);
		const signIn = (password: string) =>
			new TestClient(server).post('/api/auth/password', { email: ADA, password });
		expect((await signIn('old password')).status).toBe(401);
		expect((await signIn('new password')).status).toBe(200);
	});

	it('sets a first password from Personal Settings through the same email', async () => {
		await createTestAccount(server, { email: ADA, name: 'Ada' });
		const laptop = new TestClient(server);
		await signInWithLink(laptop, smtp, ADA);
		expect((await laptop.get('/api/auth/session')).body.account.hasPassword).toBe(false);

		const token = await resetToken(laptop, ADA);
		const confirmed = await laptop.post('/api/auth/password-reset/confirm', {
			token,
			password: 'first password'
		});
		expect(confirmed.body.account.hasPassword).toBe(true);
		expect((await laptop.get('/api/auth/session')).body.account.hasPassword).toBe(true);
	});

	it('refuses a password that is too short, and leaves the link usable', async () => {
		await createTestAccount(server, { email: ADA, name: 'Ada' });
		const browser = new TestClient(server);
		const token = await resetToken(browser, ADA);

		const short = await browser.post('/api/auth/password-reset/confirm', {
			token,
			password: 'short'
		});
		expect(short.status).toBe(400);
		expect(short.body.error.fields.password).toEqual(['A password has at least 8 characters']);

		const retried = await browser.post('/api/auth/password-reset/confirm', {
			token,
			password: 'long enough now'
		});
		expect(retried.status).toBe(200);
	});

	it('makes the older reset links useless once one is used', async () => {
		await createTestAccount(server, { email: ADA, name: 'Ada' });
		const browser = new TestClient(server);
		const first = await resetToken(browser, ADA);
		const second = await resetToken(browser, ADA);

		await browser.post('/api/auth/password-reset/confirm', {
			token: second,
			password: 'password two'
		});
		const older = await browser.post('/api/auth/password-reset/confirm', {
			token: first,
			password: 'password one'
		});
		expect(older.status).toBe(400);
		expect(older.body.error.code).toBe('token-invalid');
	});

	it('refuses a reset link after an hour', async () => {
		await createTestAccount(server, { email: ADA, name: 'Ada' });
		const browser = new TestClient(server);
		const token = await resetToken(browser, ADA);
		clock.advance(60 * 60_000);

		const response = await browser.post('/api/auth/password-reset/confirm', {
			token,
			password: 'too late now'
		});
		expect(response.body.error).toEqual({
			code: 'token-expired',
			message: 'This link has expired. Ask for a new one.'
		});
	});
});
