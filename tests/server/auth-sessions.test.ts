import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestAccount, signInWithLink, startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import type { TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const ADA = 'ada@library.example.edu';

describe('sessions', () => {
	let smtp: TestSmtpServer;
	let server: TestServer;
	let clock: TestClock;

	beforeEach(async () => {
		smtp = await startSmtpServer();
		clock = new TestClock();
		server = await startAuthServer({ smtp, clock });
		await createTestAccount(server, { email: ADA, name: 'Ada' });
		await createTestAccount(server, { email: 'grace@library.example.edu', name: 'Grace' });
	});
	afterEach(async () => {
		await server.close();
		await smtp.stop();
	});

	async function signedIn(email: string, userAgent: string): Promise<TestClient> {
		const client = new TestClient(server, { userAgent });
		await signInWithLink(client, smtp, email);
		return client;
	}

	it('ends a session after seven days without use', async () => {
		const laptop = await signedIn(ADA, 'Laptop');
		clock.advance(7 * DAY);
		expect((await laptop.get('/api/auth/session')).status).toBe(401);
	});

	it('keeps a session alive while it is used, and extends it at most once a minute', async () => {
		const laptop = await signedIn(ADA, 'Laptop');
		const start = clock.time;
		clock.advance(30_000);
		const soon = await laptop.get('/api/auth/session');
		expect(soon.body.session.expiresAt).toBe(start + 7 * DAY);

		clock.advance(6 * DAY);
		const later = await laptop.get('/api/auth/session');
		expect(later.body.session.expiresAt).toBe(clock.time + 7 * DAY);
	});

	it('ends a session thirty days after sign-in however much it is used', async () => {
		const laptop = await signedIn(ADA, 'Laptop');
		for (let day = 1; day < 30; day++) {
			clock.advance(DAY);
			expect((await laptop.get('/api/auth/session')).status).toBe(200);
		}
		clock.advance(DAY);
		expect((await laptop.get('/api/auth/session')).status).toBe(401);
	});

	it('lists the account’s own sessions and marks the current one', async () => {
		const laptop = await signedIn(ADA, 'Laptop');
		await signedIn(ADA, 'Phone');
		await signedIn('grace@library.example.edu', 'Grace laptop');

		const response = await laptop.get('/api/account/sessions');
		expect(response.status).toBe(200);
		const sessions = response.body.sessions as { userAgent: string; current: boolean }[];
		expect(sessions.map((session) => session.userAgent).sort()).toEqual(['Laptop', 'Phone']);
		expect(sessions.find((session) => session.current)?.userAgent).toBe('Laptop');
		expect(response.body.sessions[0]).toEqual({
			id: expect.any(String),
			createdAt: expect.any(Number),
			lastSeenAt: expect.any(Number),
			expiresAt: expect.any(Number),
			ip: '127.0.0.1',
			userAgent: expect.any(String),
			current: expect.any(Boolean),
			embedded: false
		});
	});

	it('ends every other session of the account and keeps the current one', async () => {
		const laptop = await signedIn(ADA, 'Laptop');
		const phone = await signedIn(ADA, 'Phone');
		const grace = await signedIn('grace@library.example.edu', 'Grace laptop');

		expect((await laptop.post('/api/account/sessions/end-others')).status).toBe(204);
		expect((await laptop.get('/api/auth/session')).status).toBe(200);
		expect((await phone.get('/api/auth/session')).status).toBe(401);
		expect((await grace.get('/api/auth/session')).status).toBe(200);
	});

	it('ends one chosen session of the account', async () => {
		const laptop = await signedIn(ADA, 'Laptop');
		const phone = await signedIn(ADA, 'Phone');
		const sessions = (await laptop.get('/api/account/sessions')).body.sessions as {
			id: string;
			userAgent: string;
		}[];
		const phoneSession = sessions.find((session) => session.userAgent === 'Phone')!;

		expect((await laptop.delete(`/api/account/sessions/${phoneSession.id}`)).status).toBe(204);
		expect((await phone.get('/api/auth/session')).status).toBe(401);
		expect((await laptop.get('/api/auth/session')).status).toBe(200);
	});

	it('refuses to end another account’s session', async () => {
		const laptop = await signedIn(ADA, 'Laptop');
		const grace = await signedIn('grace@library.example.edu', 'Grace laptop');
		const graceSession = (await grace.get('/api/auth/session')).body.session.id as string;

		const response = await laptop.delete(`/api/account/sessions/${graceSession}`);
		expect(response.status).toBe(404);
		expect(response.body.error.code).toBe('session-not-found');
		expect((await grace.get('/api/auth/session')).status).toBe(200);
	});

	it('asks for a session before showing or ending sessions', async () => {
		const stranger = new TestClient(server);
		expect((await stranger.get('/api/account/sessions')).status).toBe(401);
		expect((await stranger.post('/api/account/sessions/end-others')).status).toBe(401);
	});
});
