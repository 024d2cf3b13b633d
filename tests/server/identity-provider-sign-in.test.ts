/**
 * Signing in through a zone's identity provider, against a real OpenID Provider (oidc-provider on
 * 127.0.0.1) driven by a scripted user agent: the whole code flow, who may come in, what the
 * sign-in's state protects, and a zone that requires its provider refusing the console's own ways
 * in for its addresses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDENTITY_PROVIDER_CALLBACK_PATH } from '../../src/lib/shared';
import { inviteFirstAdmin } from '../../server/bootstrap/first-admin';
import { createTestAccount, startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import {
	signInAtProvider,
	startIdentityProvider,
	type TestIdentityProvider
} from '../support/identity-provider';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';
import { setUpProject } from '../support/sync';
import { signedIn } from '../support/workflows';

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
let idp: TestIdentityProvider;
let consortiumId: string;

const AURORA = {
	ines: { email: 'ines@aurora.example.edu', email_verified: true, name: 'Ines Aurora' },
	'new.person@aurora.example.edu': {
		email: 'new.person@aurora.example.edu',
		email_verified: true,
		name: 'New Person'
	},
	unverified: { email: 'uma@aurora.example.edu', email_verified: false },
	'from-borealis': { email: 'bea@borealis.example.edu', email_verified: true }
};

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.now());
	server = await startAuthServer({ smtp, clock });
	setUpProject(server, 'institution-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
	consortiumId = server.app.db
		.prepare("SELECT consortium_id FROM zones WHERE id = 'aurora'")
		.pluck()
		.get() as string;
	idp = await startIdentityProvider({
		redirectUri: `${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`,
		people: AURORA
	});
	await createTestAccount(server, { email: 'ines@aurora.example.edu', name: 'Ines' });
});

afterEach(async () => {
	await server.close();
	await idp.stop();
	await smtp.stop();
});

async function setAuroraProvider(
	changes: { required?: boolean; allowNewAccounts?: boolean; clientId?: string } = {}
) {
	const answer = await signedIn(server, 'ada').post(
		`/api/consortia/${consortiumId}/identity/zones/aurora`,
		{
			issuer: idp.issuer,
			clientId: changes.clientId ?? idp.clientId,
			clientSecret: idp.clientSecret,
			emailDomains: ['aurora.example.edu'],
			required: changes.required ?? false,
			allowNewAccounts: changes.allowNewAccounts ?? false
		}
	);
	expect(answer.status).toBe(200);
	return answer;
}

/** Asks the sign-in page's question for the address; the browser's client keeps the cookie. */
async function startSignIn(browser: TestClient, email: string, next?: string) {
	const started = await browser.post('/api/auth/sign-in/start', { email, next });
	expect(started.status).toBe(200);
	return started.body as {
		method: string;
		zoneName?: string;
		required?: boolean;
		authorizationUrl?: string;
	};
}

/** The whole way: the console, the provider's login as `login`, back to the console's callback. */
async function signInThrough(browser: TestClient, email: string, login: string) {
	const started = await startSignIn(browser, email);
	expect(started).toMatchObject({ method: 'identity-provider', zoneName: 'Aurora' });
	expect(typeof started.required).toBe('boolean');
	const back = await signInAtProvider(
		started.authorizationUrl!,
		login,
		`${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`
	);
	return browser.post('/api/auth/identity-provider/callback', { query: back.search });
}

describe('signing in through the zone’s identity provider', () => {
	it('sends an address of the zone to its provider and signs the person in when they come back', async () => {
		await setAuroraProvider();
		const browser = new TestClient(server);
		const started = await startSignIn(browser, 'Ines@Aurora.example.edu', '/projects/p1');
		expect(started).toMatchObject({ zoneName: 'Aurora', required: false });
		const authorization = new URL(started.authorizationUrl!);
		expect(authorization.origin).toBe(idp.issuer);
		expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
			client_id: idp.clientId,
			response_type: 'code',
			redirect_uri: `${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`,
			code_challenge_method: 'S256',
			login_hint: 'ines@aurora.example.edu'
		});
		expect(authorization.searchParams.get('scope')?.split(' ')).toEqual(
			expect.arrayContaining(['openid', 'email'])
		);
		for (const param of ['state', 'nonce', 'code_challenge'])
			expect(authorization.searchParams.get(param)?.length).toBeGreaterThanOrEqual(43);

		const back = await signInAtProvider(
			started.authorizationUrl!,
			'ines',
			`${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`
		);
		const done = await browser.post('/api/auth/identity-provider/callback', {
			query: back.search
		});
		expect(done.status).toBe(200);
		expect(done.body).toMatchObject({
			account: { email: 'ines@aurora.example.edu', name: 'Ines' },
			next: '/projects/p1'
		});
		const session = await browser.get('/api/auth/session');
		expect(session.body.account.email).toBe('ines@aurora.example.edu');
	});

	it('answers "email" for an address no provider speaks for, and records nothing', async () => {
		await setAuroraProvider();
		const browser = new TestClient(server);
		const answer = await browser.post('/api/auth/sign-in/start', {
			email: 'bea@borealis.example.edu'
		});
		expect(answer.body).toEqual({ method: 'email' });
		expect(answer.headers.getSetCookie()).toEqual([]);
		expect(server.app.db.prepare('SELECT count(*) FROM identity_sign_ins').pluck().get()).toBe(0);
	});

	it('refuses a person without an account or invitation, unless the zone lets its provider create accounts', async () => {
		await setAuroraProvider();
		const refused = await signInThrough(
			new TestClient(server),
			'new.person@aurora.example.edu',
			'new.person@aurora.example.edu'
		);
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('identity-provider-no-account');
		expect(refused.body.error.message).toContain('nobody invited it');

		await setAuroraProvider({ allowNewAccounts: true });
		const browser = new TestClient(server);
		const admitted = await signInThrough(
			browser,
			'new.person@aurora.example.edu',
			'new.person@aurora.example.edu'
		);
		expect(admitted.status).toBe(200);
		expect(admitted.body.account).toMatchObject({
			email: 'new.person@aurora.example.edu',
			name: 'New Person',
			hasPassword: false
		});
		const zones = server.app.db
			.prepare('SELECT zone_id FROM zone_people WHERE account_id = ?')
			.pluck()
			.all(admitted.body.account.id);
		expect(zones).toEqual(['aurora']);
	});

	it('makes the account of an invited person and accepts their invitation', async () => {
		await setAuroraProvider();
		const invited = inviteFirstAdmin(
			{
				...server.app.authDb,
				registry: server.app.registry,
				mailer: server.app.mailer,
				site: server.app.site
			},
			{ projectId: 'p1', email: 'new.person@aurora.example.edu', zoneId: 'aurora', role: 'analyst' }
		);
		expect(invited, JSON.stringify(invited)).toMatchObject({ ok: true, kind: 'invited' });

		const browser = new TestClient(server);
		const admitted = await signInThrough(
			browser,
			'new.person@aurora.example.edu',
			'new.person@aurora.example.edu'
		);
		expect(admitted.status).toBe(200);
		const member = server.app.db
			.prepare('SELECT role, zone_id FROM memberships WHERE project_id = ? AND account_id = ?')
			.get('p1', admitted.body.account.id);
		expect(member).toEqual({ role: 'analyst', zone_id: 'aurora' });
		// The invitation's own link now says what became of it.
		const link = 'link' in invited ? tokenFromLink(invited.link) : '';
		const preview = await new TestClient(server).post('/api/invites/preview', { token: link });
		expect(preview.body.error.code).toBe('invite-accepted');
	});

	it('refuses an address the provider has not verified', async () => {
		await setAuroraProvider({ allowNewAccounts: true });
		const refused = await signInThrough(
			new TestClient(server),
			'uma@aurora.example.edu',
			'unverified'
		);
		expect(refused.status).toBe(403);
		expect(refused.body.error).toMatchObject({
			code: 'identity-provider-email-unverified',
			message: expect.stringContaining('has not verified uma@aurora.example.edu')
		});
	});

	it('refuses an address of another zone’s domain, even when the provider vouches for it', async () => {
		await setAuroraProvider({ allowNewAccounts: true });
		const refused = await signInThrough(
			new TestClient(server),
			'ines@aurora.example.edu',
			'from-borealis'
		);
		expect(refused.status).toBe(403);
		expect(refused.body.error).toMatchObject({
			code: 'identity-provider-wrong-domain',
			message: expect.stringContaining('bea@borealis.example.edu is not an address')
		});
		expect(
			server.app.db.prepare("SELECT count(*) FROM accounts WHERE email LIKE 'bea@%'").pluck().get()
		).toBe(0);
	});
});

describe('what the sign-in’s state protects', () => {
	async function providerAnswer(browser: TestClient) {
		const started = await startSignIn(browser, 'ines@aurora.example.edu');
		return signInAtProvider(
			started.authorizationUrl!,
			'ines',
			`${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`
		);
	}

	beforeEach(async () => {
		await setAuroraProvider();
	});

	it('refuses a missing or tampered state', async () => {
		const browser = new TestClient(server);
		const back = await providerAnswer(browser);
		const missing = new URLSearchParams(back.search);
		missing.delete('state');
		const tampered = new URLSearchParams(back.search);
		tampered.set('state', `${tampered.get('state')}x`);
		for (const query of [missing, tampered]) {
			const refused = await browser.post('/api/auth/identity-provider/callback', {
				query: query.toString()
			});
			expect(refused.status).toBe(400);
			expect(refused.body.error.code).toBe('sign-in-unknown');
		}
		// The real answer still works: a refused state spent nothing.
		const done = await browser.post('/api/auth/identity-provider/callback', { query: back.search });
		expect(done.status).toBe(200);
	});

	it('uses a state once', async () => {
		const browser = new TestClient(server);
		const back = await providerAnswer(browser);
		expect(
			(await browser.post('/api/auth/identity-provider/callback', { query: back.search })).status
		).toBe(200);
		const again = await browser.post('/api/auth/identity-provider/callback', {
			query: back.search
		});
		expect(again.body.error.code).toBe('sign-in-used');
	});

	it('refuses the answer in another browser than the one that started the sign-in', async () => {
		const back = await providerAnswer(new TestClient(server));
		const victim = new TestClient(server);
		const refused = await victim.post('/api/auth/identity-provider/callback', {
			query: back.search
		});
		expect(refused.status).toBe(400);
		expect(refused.body.error).toMatchObject({
			code: 'sign-in-other-browser',
			message: expect.stringContaining('started in another browser')
		});
		expect((await victim.get('/api/auth/session')).status).toBe(401);
	});

	it('refuses an answer that comes back after 10 minutes', async () => {
		const browser = new TestClient(server);
		const back = await providerAnswer(browser);
		clock.advance(10 * 60_000 + 1);
		const refused = await browser.post('/api/auth/identity-provider/callback', {
			query: back.search
		});
		expect(refused.body.error.code).toBe('sign-in-expired');
	});

	it('refuses the answer when the provider changed meanwhile', async () => {
		const browser = new TestClient(server);
		const back = await providerAnswer(browser);
		const removed = await signedIn(server, 'ada').delete(
			`/api/consortia/${consortiumId}/identity/zones/aurora`
		);
		expect(removed.status).toBe(204);
		const refused = await browser.post('/api/auth/identity-provider/callback', {
			query: back.search
		});
		expect(refused.status).toBe(409);
		expect(refused.body.error.code).toBe('identity-provider-changed');
	});

	it('says why when the provider declines (the person cancelled there)', async () => {
		const browser = new TestClient(server);
		const started = await startSignIn(browser, 'ines@aurora.example.edu');
		const state = new URL(started.authorizationUrl!).searchParams.get('state')!;
		const query = new URLSearchParams({
			error: 'access_denied',
			error_description: 'End-User aborted interaction',
			state,
			iss: idp.issuer
		});
		const refused = await browser.post('/api/auth/identity-provider/callback', {
			query: query.toString()
		});
		expect(refused.status).toBe(401);
		expect(refused.body.error).toMatchObject({
			code: 'identity-provider-declined',
			message: 'The identity provider did not sign you in: End-User aborted interaction.'
		});
	});
});

describe('a zone that requires its identity provider', () => {
	it('refuses link and password sign-in and password resets for its addresses, saying why', async () => {
		const ines = await createTestAccount(server, {
			email: 'ivy@aurora.example.edu',
			password: 'correct horse'
		});
		const browser = new TestClient(server);
		// A link asked for before the zone required its provider.
		expect((await browser.post('/api/auth/link', { email: ines.email })).status).toBe(202);
		const earlierLink = tokenFromLink(
			extractLink(await smtp.nextMessageTo(ines.email), '/sign-in/link')
		);

		await setAuroraProvider({ required: true });
		const refusals = [
			await browser.post('/api/auth/link', { email: ines.email }),
			await browser.post('/api/auth/password', { email: ines.email, password: 'correct horse' }),
			await browser.post('/api/auth/password', {
				email: 'nobody@aurora.example.edu',
				password: 'x'
			}),
			await browser.post('/api/auth/password-reset', { email: ines.email }),
			await browser.post('/api/auth/link/consume', { token: earlierLink })
		];
		for (const refused of refusals) {
			expect(refused.status).toBe(403);
			expect(refused.body.error).toMatchObject({
				code: 'identity-provider-required',
				message: expect.stringContaining(
					'Aurora signs its people in through its own identity provider'
				)
			});
		}
		expect((await browser.get('/api/auth/session')).status).toBe(401);
		// Another zone's addresses sign in as before.
		expect((await browser.post('/api/auth/link', { email: 'ada@example.org' })).status).toBe(202);
	});

	it('refuses a move to its addresses confirmed after it came to require its provider', async () => {
		const ada = signedIn(server, 'ada');
		const asked = await ada.post('/api/account/email', { email: 'ada@aurora.example.edu' });
		expect(asked.status).toBe(202);
		const token = tokenFromLink(
			extractLink(await smtp.nextMessageTo('ada@aurora.example.edu'), '/verify-email')
		);
		await setAuroraProvider({ required: true });
		const refused = await ada.post('/api/account/email/confirm', { token });
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('identity-provider-required');
		expect((await ada.get('/api/auth/session')).body.account.email).toBe('ada@example.org');
	});

	it('stops speaking for its addresses once its library left the consortium', async () => {
		await setAuroraProvider({ required: true, allowNewAccounts: true });
		const ada = signedIn(server, 'ada');
		const plan = (await ada.get(`/api/consortia/${consortiumId}/offboarding/aurora`)).body;
		const offboarded = await ada.post(`/api/consortia/${consortiumId}/offboarding/aurora`, {
			fingerprint: plan.fingerprint,
			confirmation: 'Aurora'
		});
		expect(offboarded.status).toBe(200);

		const browser = new TestClient(server);
		expect(await startSignIn(browser, 'new.person@aurora.example.edu')).toEqual({
			method: 'email'
		});
		const link = await browser.post('/api/auth/link', { email: 'ines@aurora.example.edu' });
		expect(link.status).toBe(202);
	});

	it('has an invitation to its address accepted by signing in through the provider', async () => {
		await setAuroraProvider({ required: true });
		const invited = inviteFirstAdmin(
			{
				...server.app.authDb,
				registry: server.app.registry,
				mailer: server.app.mailer,
				site: server.app.site
			},
			{
				projectId: 'p1',
				email: 'new.person@aurora.example.edu',
				zoneId: 'aurora',
				role: 'consumer'
			}
		);
		const token = 'link' in invited ? tokenFromLink(invited.link) : '';
		const browser = new TestClient(server);
		const preview = await browser.post('/api/invites/preview', { token });
		expect(preview.body.requiredProvider).toEqual({ zoneName: 'Aurora' });
		const byLink = await browser.post('/api/invites/accept', { token, name: 'New Person' });
		expect(byLink.status).toBe(403);
		expect(byLink.body.error.code).toBe('identity-provider-required');

		const admitted = await signInThrough(
			browser,
			'new.person@aurora.example.edu',
			'new.person@aurora.example.edu'
		);
		expect(admitted.status).toBe(200);
		expect(
			server.app.db
				.prepare('SELECT role FROM memberships WHERE project_id = ? AND account_id = ?')
				.pluck()
				.get('p1', admitted.body.account.id)
		).toBe('consumer');
	});

	it('keeps the sessions opened before it required its provider', async () => {
		const ivy = await createTestAccount(server, { email: 'ivy@aurora.example.edu' });
		const browser = signedIn(server, ivy.id);
		await setAuroraProvider({ required: true });
		expect((await browser.get('/api/auth/session')).status).toBe(200);
	});
});
