/**
 * Setting up a zone's identity provider against issuers that misbehave, and by people who may not:
 * an issuer that redirects, never answers, answers without end, or sends the client secret's way
 * to plain http elsewhere; callers who are not the consortium office. Each is refused with its
 * reason, nothing is stored, and the client secret appears in no answer, log line or audit entry.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDENTITY_PROVIDER_CALLBACK_PATH } from '../../src/lib/shared';
import { createConsortium } from '../../server/consortium/store';
import { describeProviderError } from '../../server/identity/provider-errors';
import { findZoneProvider } from '../../server/identity/providers';
import { createTestAccount, startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import { startCraftedProvider, type CraftedProvider } from '../support/crafted-provider';
import {
	signInAtProvider,
	startIdentityProvider,
	type TestIdentityProvider
} from '../support/identity-provider';
import { captureLog, type CapturedLog } from '../support/log';
import type { TestServer } from '../support/server';
import { setUpProject } from '../support/sync';
import { signedIn } from '../support/workflows';

let server: TestServer;
let consortiumId: string;
let logged: CapturedLog;

beforeEach(async () => {
	logged = captureLog('json', 'trace');
	server = await startAuthServer({ log: logged.log });
	setUpProject(server, 'institution-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nils', role: 'analyst', zone: 'nz' },
		{ accountId: 'iris', role: 'admin', zone: 'aurora' }
	]);
	consortiumId = server.app.db
		.prepare("SELECT consortium_id FROM zones WHERE id = 'aurora'")
		.pluck()
		.get() as string;
});

afterEach(() => server.close());

const zonePath = (zoneId: string, consortium = consortiumId) =>
	`/api/consortia/${consortium}/identity/zones/${zoneId}`;

function providerInput(issuer: string, changes: Record<string, unknown> = {}) {
	return {
		issuer,
		clientId: 'console',
		clientSecret: 'the-client-secret',
		emailDomains: ['aurora.example.edu'],
		required: false,
		allowNewAccounts: false,
		...changes
	};
}

/** An issuer on 127.0.0.1 that answers every request with `answer`. */
async function startScriptedIssuer(
	answer: (request: IncomingMessage, response: ServerResponse, issuer: string) => void
): Promise<{ issuer: string; stop(): Promise<void> }> {
	const issuerServer = createServer();
	await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
	const issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
	issuerServer.on('request', (request, response) => answer(request, response, issuer));
	return {
		issuer,
		stop: () =>
			new Promise<void>((resolve) => {
				issuerServer.closeAllConnections();
				issuerServer.close(() => resolve());
			})
	};
}

/** A discovery document good in every way but `changes`. */
function discoveryDocument(issuer: string, changes: Record<string, unknown> = {}) {
	return {
		issuer,
		authorization_endpoint: `${issuer}/authorize`,
		token_endpoint: `${issuer}/token`,
		jwks_uri: `${issuer}/jwks`,
		response_types_supported: ['code'],
		subject_types_supported: ['public'],
		id_token_signing_alg_values_supported: ['RS256'],
		...changes
	};
}

function json(response: ServerResponse, body: unknown): void {
	response.writeHead(200, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
}

describe('who may set a zone’s identity provider up', () => {
	let crafted: CraftedProvider;

	beforeEach(async () => {
		crafted = await startCraftedProvider();
	});

	afterEach(() => crafted.stop());

	it('refuses everyone but the Network Zone’s Project Admins, saying why, and stores nothing', async () => {
		const input = providerInput(crafted.issuer, {
			clientId: crafted.clientId,
			clientSecret: crafted.clientSecret
		});
		const officeOnly = "Only the Network Zone's Project Admins can set up identity providers.";
		const callers: Array<[string, TestClient, number, string, string]> = [
			['nobody', new TestClient(server), 401, 'unauthenticated', 'Sign in to continue.'],
			[
				'an Analyst of the Network Zone',
				signedIn(server, 'nils'),
				403,
				'not-network-zone-admin',
				officeOnly
			],
			[
				'a Project Admin of an Institution Zone',
				signedIn(server, 'iris'),
				403,
				'not-network-zone-admin',
				officeOnly
			]
		];
		for (const [who, client, status, code, message] of callers) {
			for (const answer of [
				await client.get(`/api/consortia/${consortiumId}/identity`),
				await client.post(zonePath('aurora'), input),
				await client.delete(zonePath('aurora'))
			]) {
				expect(answer.status, who).toBe(status);
				expect(answer.body.error, who).toEqual({ code, message });
			}
		}
		expect(findZoneProvider(server.app.db, 'aurora')).toBeNull();
		expect(crafted.tokenRequests).toEqual([]);
	});

	it('refuses the office a zone of another consortium', async () => {
		createConsortium(server.app.db, {
			name: 'Elsewhere',
			mode: 'institution-zone',
			zones: [
				{ id: 'else-nz', kind: 'network', name: 'Elsewhere Office' },
				{ id: 'else-lib', kind: 'institution', name: 'Else', emailDomains: ['else.example.edu'] }
			]
		});
		const refused = await signedIn(server, 'ada').post(
			zonePath('else-lib'),
			providerInput(crafted.issuer, { emailDomains: ['else.example.edu'] })
		);
		expect(refused.status).toBe(404);
		expect(refused.body.error).toMatchObject({
			code: 'zone-not-found',
			message: 'There is no such zone in this consortium.'
		});
		expect(findZoneProvider(server.app.db, 'else-lib')).toBeNull();
	});
});

describe('the client secret', () => {
	let idp: TestIdentityProvider;

	beforeEach(async () => {
		idp = await startIdentityProvider({
			redirectUri: `${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`,
			people: { ines: { email: 'ines@aurora.example.edu', email_verified: true } }
		});
		await createTestAccount(server, { email: 'ines@aurora.example.edu' });
	});

	afterEach(() => idp.stop());

	it('is in no answer, log line or audit entry, through setting up, signing in and failing', async () => {
		const ada = signedIn(server, 'ada');
		const client = { clientId: idp.clientId, clientSecret: idp.clientSecret };
		const answers = [
			await ada.post(zonePath('aurora'), providerInput(`${idp.issuer}/wrong`, client)),
			await ada.post(zonePath('aurora'), providerInput(idp.issuer, client)),
			await ada.post(
				zonePath('aurora'),
				providerInput(idp.issuer, { ...client, clientSecret: undefined, required: true })
			),
			await ada.get(`/api/consortia/${consortiumId}/identity`)
		];
		const browser = new TestClient(server);
		for (const tamper of [false, true]) {
			const started = await browser.post('/api/auth/sign-in/start', {
				email: 'ines@aurora.example.edu'
			});
			answers.push(started);
			const back = await signInAtProvider(
				started.body.authorizationUrl,
				'ines',
				`${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`
			);
			if (tamper) back.searchParams.set('code', 'not-the-code');
			answers.push(
				await browser.post('/api/auth/identity-provider/callback', { query: back.search })
			);
		}
		expect(answers.map((answer) => answer.status)).toEqual([
			400, 200, 200, 200, 200, 200, 200, 401
		]);
		answers.push(await ada.get(`/api/consortia/${consortiumId}/audit`));
		expect(answers.at(-1)!.body.entries.length).toBeGreaterThan(0);
		for (const answer of answers)
			expect(JSON.stringify(answer.body)).not.toContain(idp.clientSecret);
		expect(logged.entries().length).toBeGreaterThan(0);
		expect(logged.text()).not.toContain(idp.clientSecret);
	});
});

describe('an issuer that misbehaves', () => {
	it('that never answers is said not to have answered in time', async () => {
		const silent = await startScriptedIssuer(() => undefined);
		try {
			// The console waits 10 seconds (PROVIDER_TIMEOUT_SECONDS); openid-client throws the same
			// error after a shorter wait, which is what is described here.
			const error: unknown = await oidc
				.discovery(new URL(silent.issuer), 'console', undefined, oidc.None(), {
					timeout: 0.2,
					execute: [oidc.allowInsecureRequests]
				})
				.catch((thrown: unknown) => thrown);
			expect(describeProviderError(error, silent.issuer)).toEqual({
				ok: false,
				code: 'identity-provider-unreachable',
				message: `The identity provider at ${silent.issuer} did not answer in time. Try again in a moment; if it keeps happening, tell your library's identity administrator.`
			});
		} finally {
			await silent.stop();
		}
	});

	it('that sends the console to plain http elsewhere is refused, storing nothing', async () => {
		const elsewhere = 'http://192.0.2.1';
		const cases: Array<[Record<string, string>, string]> = [
			[{ token_endpoint: `${elsewhere}/token` }, `token_endpoint ${elsewhere}/token`],
			[{ jwks_uri: `${elsewhere}/jwks` }, `jwks_uri ${elsewhere}/jwks`],
			[{ userinfo_endpoint: `${elsewhere}/me` }, `userinfo_endpoint ${elsewhere}/me`],
			[
				{ authorization_endpoint: `${elsewhere}/authorize` },
				`authorization_endpoint ${elsewhere}/authorize`
			]
		];
		for (const [changes, named] of cases) {
			const issuer = await startScriptedIssuer((_, response, self) =>
				json(response, discoveryDocument(self, changes))
			);
			try {
				const refused = await signedIn(server, 'ada').post(
					zonePath('aurora'),
					providerInput(issuer.issuer)
				);
				expect(refused.status, named).toBe(400);
				expect(refused.body.error.code).toBe('identity-provider-unusable');
				expect(refused.body.error.fields.issuer[0]).toContain(
					`sends the console to plain http elsewhere (${named})`
				);
			} finally {
				await issuer.stop();
			}
		}
		expect(findZoneProvider(server.app.db, 'aurora')).toBeNull();
	});

	it('that answers without end is read no further than 1 MiB, and refused', async () => {
		const endless = (response: ServerResponse) => {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.write(`{"pad":"`);
			const more = () => {
				if (!response.destroyed) response.write('x'.repeat(64 * 1024), () => setImmediate(more));
			};
			more();
		};
		const answers: Array<(response: ServerResponse, self: string) => void> = [
			(response, self) =>
				json(response, discoveryDocument(self, { pad: 'x'.repeat(2 * 1024 * 1024) })),
			(response) => endless(response)
		];
		for (const answer of answers) {
			const issuer = await startScriptedIssuer((_, response, self) => answer(response, self));
			try {
				const refused = await signedIn(server, 'ada').post(
					zonePath('aurora'),
					providerInput(issuer.issuer)
				);
				expect(refused.status).toBe(400);
				expect(refused.body.error).toMatchObject({
					code: 'identity-provider-unusable',
					message: `The provider at ${issuer.issuer} answered with more than 1 MiB, more than any OpenID Connect answer needs: check the issuer URL, or tell your library's identity administrator.`
				});
			} finally {
				await issuer.stop();
			}
		}
		expect(findZoneProvider(server.app.db, 'aurora')).toBeNull();
	});

	it('whose token endpoint answers without end is refused at sign-in, signing nobody in', async () => {
		const issuer = await startScriptedIssuer((request, response, self) => {
			if (request.url === '/.well-known/openid-configuration')
				return json(response, discoveryDocument(self));
			json(response, { access_token: 'x'.repeat(2 * 1024 * 1024), token_type: 'Bearer' });
		});
		try {
			const set = await signedIn(server, 'ada').post(
				zonePath('aurora'),
				providerInput(issuer.issuer)
			);
			expect(set.status).toBe(200);
			const browser = new TestClient(server);
			const started = await browser.post('/api/auth/sign-in/start', {
				email: 'ines@aurora.example.edu'
			});
			const state = new URL(started.body.authorizationUrl).searchParams.get('state')!;
			const refused = await browser.post('/api/auth/identity-provider/callback', {
				query: new URLSearchParams({ code: 'a-code', state }).toString()
			});
			expect(refused.status).toBe(400);
			expect(refused.body.error.message).toContain('answered with more than 1 MiB');
			expect((await browser.get('/api/auth/session')).status).toBe(401);
		} finally {
			await issuer.stop();
		}
	});

	it('that redirects is refused, naming where to', async () => {
		const issuer = await startScriptedIssuer((_, response, self) => {
			response.writeHead(302, {
				location: `${self}/realms/staff/.well-known/openid-configuration`
			});
			response.end();
		});
		try {
			const refused = await signedIn(server, 'ada').post(
				zonePath('aurora'),
				providerInput(issuer.issuer)
			);
			expect(refused.status).toBe(400);
			expect(refused.body.error).toMatchObject({
				code: 'identity-provider-unusable',
				message: `${issuer.issuer}'s discovery document redirects to ${issuer.issuer}/realms/staff/.well-known/openid-configuration: the console follows no redirects, so enter the issuer exactly as the provider names itself.`
			});
		} finally {
			await issuer.stop();
		}
		expect(findZoneProvider(server.app.db, 'aurora')).toBeNull();
	});

	it('whose token endpoint fails is said to have failed, not to lack a discovery document', async () => {
		const issuer = await startScriptedIssuer((request, response, self) => {
			if (request.url === '/.well-known/openid-configuration')
				return json(response, discoveryDocument(self));
			response.writeHead(502, { 'content-type': 'text/html' });
			response.end('<h1>Bad gateway</h1>');
		});
		try {
			const set = await signedIn(server, 'ada').post(
				zonePath('aurora'),
				providerInput(issuer.issuer)
			);
			expect(set.status).toBe(200);
			const browser = new TestClient(server);
			const started = await browser.post('/api/auth/sign-in/start', {
				email: 'ines@aurora.example.edu'
			});
			const state = new URL(started.body.authorizationUrl).searchParams.get('state')!;
			const failed = await browser.post('/api/auth/identity-provider/callback', {
				query: new URLSearchParams({ code: 'a-code', state }).toString()
			});
			expect(failed.status).toBe(502);
			expect(failed.body.error).toMatchObject({
				code: 'identity-provider-unreachable',
				message: `The identity provider at ${issuer.issuer} failed to answer (502 Bad Gateway from ${issuer.issuer}/token). Try again in a moment; if it keeps happening, tell your library's identity administrator.`
			});
		} finally {
			await issuer.stop();
		}
	});
});

describe('the discovery document', () => {
	it('is fetched when the provider is set and once for sign-ins, not at each; again after a failure', async () => {
		const fetched: string[] = [];
		let down = false;
		const issuer = await startScriptedIssuer((request, response, self) => {
			fetched.push(request.url!);
			if (down) {
				response.writeHead(503);
				return response.end();
			}
			json(response, discoveryDocument(self));
		});
		const start = () =>
			new TestClient(server).post('/api/auth/sign-in/start', { email: 'ines@aurora.example.edu' });
		try {
			const ada = signedIn(server, 'ada');
			expect((await ada.post(zonePath('aurora'), providerInput(issuer.issuer))).status).toBe(200);
			for (let attempt = 0; attempt < 3; attempt += 1) expect((await start()).status).toBe(200);
			expect(fetched).toEqual(Array(2).fill('/.well-known/openid-configuration'));

			// Changed beside the server (as npm run admin does): the next sign-in fetches it again,
			// and a failure is not kept.
			server.app.db
				.prepare(
					"UPDATE identity_providers SET updated_at = updated_at + 1 WHERE zone_id = 'aurora'"
				)
				.run();
			down = true;
			const failed = await start();
			expect(failed.status).toBe(400);
			expect(failed.body.error.message).toContain('it answered 503 Service Unavailable');
			down = false;
			expect((await start()).status).toBe(200);
			expect((await start()).status).toBe(200);
			expect(fetched).toHaveLength(4);
		} finally {
			await issuer.stop();
		}
	});
});
