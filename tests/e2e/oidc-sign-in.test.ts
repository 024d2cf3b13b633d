/**
 * Signing in through a library's own identity provider, in Chromium, against a real OpenID
 * Provider (oidc-provider on 127.0.0.1): the person enters their address on the sign-in page, is
 * sent to Aurora's provider, signs in there, and lands in the console signed in, in their project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_PROVIDER_CALLBACK_PATH } from '../../src/lib/shared';
import { createAccount } from '../../server/auth/accounts';
import { putMember } from '../../server/consortium/projects';
import { saveProvider } from '../../server/identity/providers';
import { SecretBox } from '../../server/identity/secret-box';
import { newPerson } from '../support/browser';
import { expectNoSeriousViolations, leave, startE2E, type E2E } from '../support/e2e';
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider';
import { setUpProject } from '../support/sync';

let e2e: E2E;
let idp: TestIdentityProvider;

beforeAll(async () => {
	e2e = await startE2E();
	const { app } = e2e.server;
	setUpProject(e2e.server, 'institution-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
	const ines = createAccount(app.authDb, { email: 'ines@aurora.example.edu', name: 'Ines Aurora' });
	if (!ines.ok) throw new Error('ines has an account already');
	putMember(app.db, app.registry, 'p1', {
		accountId: ines.account.id,
		email: ines.account.email,
		name: ines.account.name,
		role: 'analyst',
		zoneId: 'aurora'
	});
	idp = await startIdentityProvider({
		redirectUri: `${e2e.server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`,
		people: {
			'ines@aurora.example.edu': {
				email: 'ines@aurora.example.edu',
				email_verified: true,
				name: 'Ines Aurora'
			}
		}
	});
	saveProvider(app.db, new SecretBox(app.config.identitySecretKey), {
		zoneId: 'aurora',
		issuer: idp.issuer,
		clientId: idp.clientId,
		clientSecret: idp.clientSecret,
		emailDomains: ['aurora.example.edu'],
		required: true,
		allowNewAccounts: false,
		updatedBy: null,
		at: Date.now()
	});
	// Borealis has a provider too, which it does not require.
	saveProvider(app.db, new SecretBox(app.config.identitySecretKey), {
		zoneId: 'borealis',
		issuer: idp.issuer,
		clientId: idp.clientId,
		clientSecret: idp.clientSecret,
		emailDomains: ['borealis.example.edu'],
		required: false,
		allowNewAccounts: false,
		updatedBy: null,
		at: Date.now()
	});
});

afterAll(async () => {
	await e2e.close();
	await idp.stop();
});

describe('signing in with the library’s own account, in Chromium', () => {
	it('sends the address to Aurora’s provider and lands signed in, in the console', async () => {
		const ines = await newPerson(e2e.browser);
		const { page } = ines;
		await page.goto(`${e2e.server.url}/sign-in`);
		await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
		await expectNoSeriousViolations(page, 'the sign-in page, asking for the address');
		// Address first: no link or password is offered before the console knows where it signs in.
		expect(await page.getByRole('button', { name: 'Email me a sign-in link' }).count()).toBe(0);
		expect(await page.getByLabel('Password').count()).toBe(0);

		await page.getByLabel('Email').fill('ines@aurora.example.edu');
		await page.getByRole('button', { name: 'Continue' }).click();

		// At the provider: its login page, the address filled in from the console's login hint.
		await page.waitForURL((url) => url.origin === idp.issuer);
		await page.locator('input[name="password"]').fill('her library password');
		await page.getByRole('button', { name: 'Sign-in' }).click();
		await page.getByRole('button', { name: 'Continue' }).click();

		// Back in the console: signed in, on her data view, with no trace of the provider's answer.
		await page.waitForURL(/\/projects\/p1\/views\/[^/]+$/);
		const banner = page.getByRole('banner');
		await expect
			.poll(() => banner.getByRole('button', { name: 'Project: Analytics' }).isVisible())
			.toBe(true);
		expect(page.url()).not.toContain('code=');
		expect(await page.getByText('Signing in did not work').count()).toBe(0);
		const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
		expect(session.account.email).toBe('ines@aurora.example.edu');
		await leave(ines);
	});

	it('offers the emailed link instead where the zone does not require its provider', async () => {
		const visitor = await newPerson(e2e.browser, { viewport: { width: 390, height: 844 } });
		const { page } = visitor;
		await page.goto(`${e2e.server.url}/sign-in`);
		await page.getByLabel('Email').fill('bea@borealis.example.edu');
		await page.getByRole('button', { name: 'Continue' }).click();
		const toProvider = page.getByRole('button', { name: 'Continue with Borealis' });
		await expect.poll(() => toProvider.isVisible()).toBe(true);
		expect(page.url()).toBe(`${e2e.server.url}/sign-in`);
		await expectNoSeriousViolations(page, 'the choice of a provider the zone does not require');
		await page.getByRole('button', { name: 'Email me a sign-in link instead' }).click();
		await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
		await expect
			.poll(() => page.getByRole('heading', { name: 'Check your email' }).isVisible())
			.toBe(true);
		await leave(visitor);
	});

	it('refuses a password reset for Aurora’s addresses on a small screen, saying why', async () => {
		const visitor = await newPerson(e2e.browser, { viewport: { width: 390, height: 844 } });
		const { page } = visitor;
		await page.goto(`${e2e.server.url}/reset-password`);
		await page.getByLabel('Email').fill('ines@aurora.example.edu');
		await page.getByRole('button', { name: /link/i }).click();
		await expect
			.poll(() =>
				page.getByText('Aurora signs its people in through its own identity provider').isVisible()
			)
			.toBe(true);
		await leave(visitor);
	});
});
