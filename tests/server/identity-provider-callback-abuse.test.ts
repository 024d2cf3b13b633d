/**
 * The unauthenticated ends of sign-in through a zone's identity provider, as an attacker uses
 * them: the callback raced, replayed, mangled and answered with another issuer or a provider's
 * error; the start asked about odd addresses, nested domains and too often. Against a real
 * provider (oidc-provider) where the provider's own answer matters, and the crafted one (which
 * answers a sign-in without a login page) where many answers are needed.
 */
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDENTITY_PROVIDER_CALLBACK_PATH, zonesClaimingEmail } from '../../src/lib/shared';
import { createConsortium } from '../../server/consortium/store';
import { saveProvider } from '../../server/identity/providers';
import { SecretBox } from '../../server/identity/secret-box';
import { createTestAccount, startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import { startCraftedProvider, type CraftedProvider } from '../support/crafted-provider';
import {
	signInAtProvider,
	startIdentityProvider,
	type TestIdentityProvider
} from '../support/identity-provider';
import type { TestServer } from '../support/server';
import { setUpProject } from '../support/sync';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Past every per-address limit's window (15 minutes), and past a sign-in's 10 minutes. */
const LIMIT_WINDOW_MS = 15 * 60_000 + 1;

let server: TestServer;
let clock: TestClock;

beforeEach(async () => {
	clock = new TestClock(Date.now());
	server = await startAuthServer({ clock });
	setUpProject(server, 'institution-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
	await createTestAccount(server, { email: 'ines@aurora.example.edu', name: 'Ines' });
});

afterEach(() => server.close());

/** Sets a zone's provider straight in SQL: these tests are about signing in, not configuring. */
function setProvider(
	zoneId: string,
	provider: { issuer: string; clientId: string; clientSecret: string },
	emailDomains: string[]
) {
	saveProvider(server.app.db, new SecretBox(server.app.config.identitySecretKey), {
		zoneId,
		...provider,
		emailDomains,
		required: false,
		allowNewAccounts: false,
		updatedBy: null,
		at: clock.now()
	});
}

const callback = (browser: TestClient, query: string) =>
	browser.post('/api/auth/identity-provider/callback', { query });

const sessionsOf = (email: string) =>
	server.app.db
		.prepare(
			'SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = ?'
		)
		.pluck()
		.get(email) as number;

describe('the callback, against a real provider', () => {
	let idp: TestIdentityProvider;

	beforeEach(async () => {
		idp = await startIdentityProvider({
			redirectUri: `${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`,
			people: { ines: { email: 'ines@aurora.example.edu', email_verified: true } }
		});
		setProvider('aurora', idp, ['aurora.example.edu']);
	});

	afterEach(() => idp.stop());

	async function providerAnswer(browser: TestClient): Promise<URLSearchParams> {
		const started = await browser.post('/api/auth/sign-in/start', {
			email: 'ines@aurora.example.edu'
		});
		const back = await signInAtProvider(
			started.body.authorizationUrl,
			'ines',
			`${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`
		);
		return back.searchParams;
	}

	it('opens exactly one session when the same answer arrives several times at once', async () => {
		const browser = new TestClient(server);
		const answer = (await providerAnswer(browser)).toString();
		const answers = await Promise.all([1, 2, 3, 4].map(() => callback(browser, answer)));
		expect(answers.map((each) => each.status).sort()).toEqual([200, 400, 400, 400]);
		for (const refused of answers.filter((each) => each.status === 400))
			expect(refused.body.error.code).toBe('sign-in-used');
		expect(sessionsOf('ines@aurora.example.edu')).toBe(1);
	});

	it('refuses an answer that names another issuer, or none (RFC 9207), and signs nobody in', async () => {
		const browser = new TestClient(server);
		const otherIssuer = await providerAnswer(browser);
		expect(otherIssuer.get('iss')).toBe(idp.issuer);
		otherIssuer.set('iss', 'https://login.attacker.example');
		const noIssuer = await providerAnswer(browser);
		noIssuer.delete('iss');
		for (const answer of [otherIssuer, noIssuer]) {
			const refused = await callback(browser, answer.toString());
			expect(refused.status).toBe(401);
			expect(refused.body.error).toMatchObject({
				code: 'identity-provider-answer-refused',
				message: expect.stringContaining('"iss" (issuer)')
			});
		}
		expect(sessionsOf('ines@aurora.example.edu')).toBe(0);
	});

	it('refuses the answer of another browser’s sign-in without spending it', async () => {
		const owner = new TestClient(server);
		const answer = (await providerAnswer(owner)).toString();
		const stranger = new TestClient(server);
		// The stranger has a sign-in of its own under way: its cookie is not the owner's.
		await stranger.post('/api/auth/sign-in/start', { email: 'ines@aurora.example.edu' });
		expect((await callback(stranger, answer)).body.error.code).toBe('sign-in-other-browser');
		expect((await callback(owner, answer)).status).toBe(200);
	});
});

describe('the callback, with mangled answers', () => {
	let crafted: CraftedProvider;

	beforeEach(async () => {
		crafted = await startCraftedProvider();
		setProvider('aurora', crafted, ['aurora.example.edu']);
	});

	afterEach(() => crafted.stop());

	/** A sign-in started by `browser`, and the provider's answer to it. */
	async function startedAnswer(browser: TestClient): Promise<URLSearchParams> {
		clock.advance(LIMIT_WINDOW_MS);
		const started = await browser.post('/api/auth/sign-in/start', {
			email: 'ines@aurora.example.edu'
		});
		expect(started.status).toBe(200);
		return new URLSearchParams(crafted.callbackQuery(started.body.authorizationUrl));
	}

	const BROKEN = fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', '%00', '%ff%fe', '%25', '');
	const NOISE = fc.oneof(
		BROKEN,
		fc.string({ maxLength: 40 }),
		fc.string({ unit: 'grapheme', maxLength: 20 }),
		fc.integer({ min: 100, max: 8000 }).map((length) => 'x'.repeat(length))
	);
	type Mangle = (query: URLSearchParams) => string;
	const MANGLE: fc.Arbitrary<[string, Mangle]> = fc.oneof(
		fc.constant<[string, Mangle]>(['as sent', (query) => query.toString()]),
		fc.constant<[string, Mangle]>(['with a "?"', (query) => `?${query}`]),
		fc
			.constantFrom('code', 'state')
			.map<[string, Mangle]>((name) => [
				`without ${name}`,
				(query) => (query.delete(name), query.toString())
			]),
		fc
			.tuple(fc.constantFrom('code', 'state', 'iss', 'error', 'session_state'), NOISE)
			.map<[string, Mangle]>(([name, value]) => [
				`${name} set to ${JSON.stringify(value.slice(0, 20))}`,
				(query) => (query.set(name, value), query.toString())
			]),
		fc
			.tuple(fc.constantFrom('code', 'state'), NOISE)
			.map<[string, Mangle]>(([name, value]) => [
				`${name} twice`,
				(query) => (query.append(name, value), query.toString())
			]),
		fc
			.tuple(fc.constantFrom('code', 'state'), BROKEN)
			.map<[string, Mangle]>(([name, broken]) => [
				`${name} with a broken escape`,
				(query) => query.toString().replace(`${name}=`, `${name}=${broken}`)
			]),
		fc
			.integer({ min: 1, max: 8000 })
			.map<[string, Mangle]>((length) => [
				`a provider's error of ${length} characters`,
				(query) =>
					`${query}&error=access_denied&error_description=${encodeURIComponent('é'.repeat(length))}`.slice(
						0,
						8192
					)
			])
	);

	it('never fails on its own, and signs in only with the answer as the provider sent it', async () => {
		let signedIn = 0;
		await fc.assert(
			fc.asyncProperty(MANGLE, async ([, mangle]) => {
				const browser = new TestClient(server);
				const query = await startedAnswer(browser);
				const sent = new URLSearchParams(query);
				const answer = await callback(browser, mangle(query));
				expect(answer.status).toBeLessThan(500);
				if (answer.status === 200) {
					signedIn += 1;
					expect(answer.body.account.email).toBe('ines@aurora.example.edu');
				} else expect(answer.body.error.message).toEqual(expect.any(String));
				// Whatever came of it, the sign-in was spent or is still the owner's alone.
				const replay = await callback(new TestClient(server), sent.toString());
				expect(replay.status).toBe(400);
			}),
			{ numRuns: RUNS, seed: SEED }
		);
		expect(sessionsOf('ines@aurora.example.edu')).toBe(signedIn);
	});

	it('refuses bodies that are not the shape it takes, before anything is spent, and ignores extra members', async () => {
		const browser = new TestClient(server);
		const query = (await startedAnswer(browser)).toString();
		const nested = `${'['.repeat(5000)}${JSON.stringify(query)}${']'.repeat(5000)}`;
		const bodies: unknown[] = [
			{ query: 42 },
			{ query: [query] },
			{ query: { state: 'x' } },
			{ query: '' },
			{ query: 'x'.repeat(8193) },
			`{"query":${nested}}`,
			nested,
			'"just a string"',
			'{"query": "unterminated'
		];
		for (const body of bodies) {
			const refused = await browser.post('/api/auth/identity-provider/callback', body);
			expect([400, 413], String(body).slice(0, 60)).toContain(refused.status);
			expect(refused.body.error.message).toEqual(expect.any(String));
		}
		// A member it does not know is left aside, however deep.
		const answer = await browser.post(
			'/api/auth/identity-provider/callback',
			`{"query":${JSON.stringify(query)},"extra":${nested}}`
		);
		expect(answer.status).toBe(200);
	});
});

describe('the browser’s binding to its sign-in, over HTTPS', () => {
	it('is a __Host- cookie for this site only, and the callback reads no other', async () => {
		const site = 'https://console.example.org';
		const secure = await startAuthServer({ config: { publicUrl: site } });
		const crafted = await startCraftedProvider();
		try {
			setUpProject(secure, 'institution-zone', []);
			await createTestAccount(secure, { email: 'ines@aurora.example.edu' });
			saveProvider(secure.app.db, new SecretBox(secure.app.config.identitySecretKey), {
				zoneId: 'aurora',
				issuer: crafted.issuer,
				clientId: crafted.clientId,
				clientSecret: crafted.clientSecret,
				emailDomains: ['aurora.example.edu'],
				required: false,
				allowNewAccounts: false,
				updatedBy: null,
				at: Date.now()
			});
			const { port } = secure.app.server.address() as AddressInfo;
			const browser = (cookie?: string) => {
				const client = new TestClient(secure, {
					origin: site,
					baseUrl: `http://127.0.0.1:${port}`
				});
				if (cookie) client.cookies.set('sign-in-flow', cookie);
				return client;
			};
			const owner = browser();
			const started = await owner.post('/api/auth/sign-in/start', {
				email: 'ines@aurora.example.edu'
			});
			expect(started.headers.getSetCookie()).toEqual([
				expect.stringMatching(
					/^__Host-sign-in-flow=[a-z2-7]{32}; HttpOnly; SameSite=Lax; Path=\/; Secure; Max-Age=600$/
				)
			]);
			const query = crafted.callbackQuery(started.body.authorizationUrl);
			// The same value under the plain name (which a sibling subdomain could set) is not it.
			const planted = browser(owner.cookies.get('__Host-sign-in-flow'));
			expect((await callback(planted, query)).body.error.code).toBe('sign-in-other-browser');
			expect((await callback(owner, query)).status).toBe(200);
		} finally {
			await crafted.stop();
			await secure.close();
		}
	});
});

describe('starting a sign-in', () => {
	let crafted: CraftedProvider;

	beforeEach(async () => {
		crafted = await startCraftedProvider();
	});

	afterEach(() => crafted.stop());

	it('answers from the domain alone, in any case, and refuses what is no address', async () => {
		setProvider('aurora', crafted, ['aurora.example.edu']);
		const browser = new TestClient(server);
		const local = fc.stringMatching(/^[a-z0-9]{1,8}(\.[a-z0-9]{1,8})?$/);
		const domain = fc.constantFrom(
			'aurora.example.edu',
			'staff.aurora.example.edu',
			'borealis.example.edu',
			'example.edu',
			'aurora.example.edu.evil.example',
			'notaurora.example.edu'
		);
		const spelled = fc.tuple(local, domain, fc.array(fc.boolean(), { maxLength: 40 }));
		await fc.assert(
			fc.asyncProperty(spelled, async ([name, at, upper]) => {
				clock.advance(LIMIT_WINDOW_MS);
				const email = [...`${name}@${at}`]
					.map((char, index) => (upper[index] ? char.toUpperCase() : char))
					.join('');
				const answer = await browser.post('/api/auth/sign-in/start', { email: ` ${email} ` });
				expect(answer.status).toBe(200);
				const spoken = at === 'aurora.example.edu' || at === 'staff.aurora.example.edu';
				expect(answer.body.method).toBe(spoken ? 'identity-provider' : 'email');
				if (spoken)
					expect(new URL(answer.body.authorizationUrl).searchParams.get('login_hint')).toBe(
						`${name}@${at}`
					);
			}),
			{ numRuns: RUNS, seed: SEED }
		);
		for (const odd of [
			'ines@aurora.example.edu.',
			'ines@aurora.example.édu',
			'inès@aurora.example.edu',
			'ines@@aurora.example.edu',
			'ines@aurora..example.edu',
			`${'i'.repeat(250)}@aurora.example.edu`,
			42,
			['ines@aurora.example.edu']
		]) {
			const refused = await browser.post('/api/auth/sign-in/start', { email: odd });
			expect(refused.status, String(odd)).toBe(400);
		}
	});

	it('sends an address of nested domains to the provider of the zone it belongs to, as invitations place it', async () => {
		const zones = [
			{ id: 'hq', kind: 'network' as const, name: 'Head Office', emailDomains: ['example.edu'] },
			{
				id: 'lib',
				kind: 'institution' as const,
				name: 'Library',
				emailDomains: ['lib.example.edu']
			},
			{
				id: 'law',
				kind: 'institution' as const,
				name: 'Law Library',
				emailDomains: ['law.lib.example.edu']
			}
		];
		createConsortium(server.app.db, { name: 'Nested', mode: 'institution-zone', zones });
		setProvider('hq', crafted, ['example.edu']);
		const other = await startCraftedProvider();
		setProvider('lib', other, ['lib.example.edu']);
		const browser = new TestClient(server);
		try {
			const label = fc.constantFrom('a', 'staff', 'lib', 'law', 'x1');
			const address = fc
				.tuple(
					fc.array(label, { maxLength: 3 }),
					fc.constantFrom('example.edu', 'lib.example.edu', 'law.lib.example.edu')
				)
				.map(([labels, at]) => `p@${[...labels, at].join('.')}`);
			await fc.assert(
				fc.asyncProperty(address, async (email) => {
					clock.advance(LIMIT_WINDOW_MS);
					const answer = await browser.post('/api/auth/sign-in/start', { email });
					expect(answer.status).toBe(200);
					// The zone an invitation places the address in (the most specific claim).
					const [zone] = zonesClaimingEmail(zones, email);
					const expected = { hq: 'Head Office', lib: 'Library', law: null }[zone!.id];
					if (expected === null) expect(answer.body).toEqual({ method: 'email' });
					else expect(answer.body).toMatchObject({ zoneName: expected });
				}),
				{ numRuns: RUNS, seed: SEED }
			);
		} finally {
			await other.stop();
		}
	});

	it('is limited per client address, saying when to try again', async () => {
		setProvider('aurora', crafted, ['aurora.example.edu']);
		const browser = new TestClient(server);
		const email = 'ines@aurora.example.edu';
		for (let started = 0; started < 30; started += 1)
			expect((await browser.post('/api/auth/sign-in/start', { email })).status).toBe(200);
		const refused = await browser.post('/api/auth/sign-in/start', { email });
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(server.app.db.prepare('SELECT count(*) FROM identity_sign_ins').pluck().get()).toBe(30);
	});
});
