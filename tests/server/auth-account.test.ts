import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../server/auth/accounts';
import { createTestAccount, signInWithLink, startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';

const ADA = 'ada@library.example.edu';
const NEW_ADA = 'ada.lovelace@consortium.example.org';

describe('Personal Settings', () => {
	let smtp: TestSmtpServer;
	let server: TestServer;
	let changes: Account[];
	let ada: TestClient;

	beforeEach(async () => {
		smtp = await startSmtpServer();
		changes = [];
		server = await startAuthServer({ smtp, onAccountChanged: (account) => changes.push(account) });
		await createTestAccount(server, { email: ADA, name: 'Ada' });
		ada = new TestClient(server);
		await signInWithLink(ada, smtp, ADA);
	});
	afterEach(async () => {
		await server.close();
		await smtp.stop();
	});

	async function askForNewAddress(email: string): Promise<void> {
		const response = await ada.post('/api/account/email', { email });
		expect(response).toMatchObject({ status: 202, body: { ok: true } });
	}

	it('renames the account and tells the membership side', async () => {
		const response = await ada.patch('/api/account', { name: '  Ada Lovelace ' });
		expect(response.status).toBe(200);
		expect(response.body.account).toMatchObject({ email: ADA, name: 'Ada Lovelace' });
		expect((await ada.get('/api/auth/session')).body.account.name).toBe('Ada Lovelace');
		expect(changes).toEqual([expect.objectContaining({ email: ADA, name: 'Ada Lovelace' })]);
	});

	it('refuses an empty name with a field error', async () => {
		const response = await ada.patch('/api/account', { name: '   ' });
		expect(response.status).toBe(400);
		expect(response.body.error.fields).toEqual({ name: ['A name is required'] });
		expect(changes).toEqual([]);
	});

	it('changes the address only once the new one is verified, and tells the old one', async () => {
		await askForNewAddress(NEW_ADA);

		const notice = await smtp.nextMessageTo(ADA);
		expect(notice.text).toContain(NEW_ADA);
		const verification = await smtp.nextMessageTo(NEW_ADA);
		const link = extractLink(verification, '/verify-email');
		expect(link.startsWith(`${server.url}/verify-email#token=`)).toBe(true);
		expect((await ada.get('/api/auth/session')).body.account.email).toBe(ADA);
		expect(changes).toEqual([]);

		const confirmed = await new TestClient(server).post('/api/account/email/confirm', {
			token: tokenFromLink(link)
		});
		expect(confirmed.status).toBe(200);
		expect(confirmed.body.account.email).toBe(NEW_ADA);
		expect((await ada.get('/api/auth/session')).body.account.email).toBe(NEW_ADA);
		expect(changes).toEqual([expect.objectContaining({ email: NEW_ADA })]);

		const oldAddress = await new TestClient(server).post('/api/auth/password', {
			email: ADA,
			password: 'irrelevant'
		});
		expect(oldAddress.status).toBe(401);
	});

	it('refuses to confirm an address that another account took meanwhile', async () => {
		await askForNewAddress(NEW_ADA);
		const token = tokenFromLink(extractLink(await smtp.nextMessageTo(NEW_ADA), '/verify-email'));
		await createTestAccount(server, { email: NEW_ADA, name: 'Someone else' });

		const response = await ada.post('/api/account/email/confirm', { token });
		expect(response.status).toBe(409);
		expect(response.body.error.code).toBe('email-taken');
		expect((await ada.get('/api/auth/session')).body.account.email).toBe(ADA);
	});

	it('sends no verification to an address another account holds, and answers the same', async () => {
		await createTestAccount(server, { email: 'grace@library.example.edu', name: 'Grace' });
		await askForNewAddress('grace@library.example.edu');
		await askForNewAddress(NEW_ADA);

		// The loop delivers in order: once the second request's mail is here, the first's would be.
		await smtp.nextMessageTo(NEW_ADA);
		expect(smtp.received.filter((mail) => mail.to.includes('grace@library.example.edu'))).toEqual(
			[]
		);
	});

	it('honours only the latest address asked for', async () => {
		await askForNewAddress('first.choice@consortium.example.org');
		const first = await smtp.nextMessageTo('first.choice@consortium.example.org');
		await askForNewAddress(NEW_ADA);
		await smtp.nextMessageTo(NEW_ADA);

		const response = await ada.post('/api/account/email/confirm', {
			token: tokenFromLink(extractLink(first, '/verify-email'))
		});
		expect(response.body.error.code).toBe('token-invalid');
	});

	it('cancels a pending change of address when the other sessions are ended', async () => {
		const intruder = new TestClient(server);
		await signInWithLink(intruder, smtp, ADA);
		await intruder.post('/api/account/email', { email: 'intruder@elsewhere.example.com' });
		const token = tokenFromLink(
			extractLink(await smtp.nextMessageTo('intruder@elsewhere.example.com'), '/verify-email')
		);

		await ada.post('/api/account/sessions/end-others');
		const response = await intruder.post('/api/account/email/confirm', { token });
		expect(response.body.error.code).toBe('token-invalid');
		expect((await ada.get('/api/auth/session')).body.account.email).toBe(ADA);
	});

	it('refuses the current address as a new one', async () => {
		const response = await ada.post('/api/account/email', { email: 'ADA@library.example.edu' });
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe('email-unchanged');
	});

	it('asks for a session before changing anything', async () => {
		const stranger = new TestClient(server);
		expect((await stranger.patch('/api/account', { name: 'Eve' })).status).toBe(401);
		expect((await stranger.post('/api/account/email', { email: NEW_ADA })).status).toBe(401);
	});
});
