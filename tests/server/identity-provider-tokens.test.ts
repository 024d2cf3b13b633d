/**
 * The ID token checks, against a provider that mints whatever token the test asks for (a real
 * provider never mints a bad one): each bad token is refused with its reason and signs nobody in;
 * the good one signs in, and the code was exchanged with its PKCE verifier and the client's secret.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDENTITY_PROVIDER_CALLBACK_PATH } from '../../src/lib/shared';
import { SecretBox } from '../../server/identity/secret-box';
import { saveProvider } from '../../server/identity/providers';
import { createTestAccount, startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import {
	startCraftedProvider,
	type CraftedProvider,
	type TokenRecipe
} from '../support/crafted-provider';
import type { TestServer } from '../support/server';
import { setUpProject } from '../support/sync';

let server: TestServer;
let provider: CraftedProvider;

beforeEach(async () => {
	server = await startAuthServer();
	setUpProject(server, 'institution-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
	provider = await startCraftedProvider();
	saveProvider(server.app.db, new SecretBox(server.app.config.identitySecretKey), {
		zoneId: 'aurora',
		issuer: provider.issuer,
		clientId: provider.clientId,
		clientSecret: provider.clientSecret,
		emailDomains: ['aurora.example.edu'],
		required: false,
		allowNewAccounts: false,
		updatedBy: null,
		at: Date.now()
	});
	await createTestAccount(server, { email: 'ines@aurora.example.edu', name: 'Ines' });
});

afterEach(async () => {
	await server.close();
	await provider.stop();
});

/** Starts a sign-in, has the provider answer with the token of `recipe`, completes it. */
async function signInWith(recipe: TokenRecipe) {
	const browser = new TestClient(server);
	const started = await browser.post('/api/auth/sign-in/start', {
		email: 'ines@aurora.example.edu'
	});
	expect(started.body.method).toBe('identity-provider');
	provider.nextToken = recipe;
	const answer = await browser.post('/api/auth/identity-provider/callback', {
		query: provider.callbackQuery(started.body.authorizationUrl)
	});
	const session = await browser.get('/api/auth/session');
	return {
		answer,
		signedIn: session.status === 200,
		authorizationUrl: started.body.authorizationUrl as string
	};
}

describe('the ID token', () => {
	it('signs in with a good token, exchanged with the PKCE verifier and the client secret', async () => {
		const { answer, signedIn, authorizationUrl } = await signInWith({});
		expect(answer.status).toBe(200);
		expect(signedIn).toBe(true);
		const [request] = provider.tokenRequests;
		const challenge = new URL(authorizationUrl).searchParams.get('code_challenge');
		const verifier = request!.form.get('code_verifier')!;
		expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);
		expect(request!.form.get('redirect_uri')).toBe(
			`${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`
		);
		// HTTP Basic client authentication, each part form-encoded first (RFC 6749, 2.3.1).
		const basic = Buffer.from(request!.authorization!.replace(/^Basic /, ''), 'base64').toString();
		expect(basic.split(':').map(decodeURIComponent)).toEqual([
			provider.clientId,
			provider.clientSecret
		]);
	});

	const now = () => Math.floor(Date.now() / 1000);
	const refusals: Array<[string, TokenRecipe, string]> = [
		['from another issuer', { claims: { iss: 'http://127.0.0.1:1' } }, 'issued by another issuer'],
		['for another audience', { claims: { aud: 'another-client' } }, 'meant for another client'],
		['with a wrong nonce', { claims: { nonce: 'not-the-one-sent' } }, 'wrong nonce'],
		['that has expired', { claims: { iat: now() - 3600, exp: now() - 1800 } }, 'has expired'],
		['that is unsigned (alg none)', { signature: 'none' }, 'unsigned or signed'],
		[
			'signed by a key the provider does not publish',
			{ signature: 'other-key' },
			"not signed by the provider's published keys"
		]
	];
	for (const [what, recipe, reason] of refusals) {
		it(`refuses a token ${what}, saying so`, async () => {
			const { answer, signedIn } = await signInWith(recipe);
			expect(answer.status).toBe(401);
			expect(answer.body.error.code).toBe('identity-provider-answer-refused');
			expect(answer.body.error.message).toContain(reason);
			expect(signedIn).toBe(false);
		});
	}
});
