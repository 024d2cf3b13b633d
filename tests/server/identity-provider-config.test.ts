/**
 * Setting a zone's identity provider up: only the consortium office may; the provider's discovery
 * document is fetched first, so a wrong issuer is refused with the reason; a provider speaks only
 * for its zone's domains, one provider per domain; the client secret is sealed at rest and never
 * shown; `npm run admin -- set-identity-provider` and `remove-identity-provider` do the same from
 * the command line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDENTITY_PROVIDER_CALLBACK_PATH } from '../../src/lib/shared';
import { createConsortium } from '../../server/consortium/store';
import { setZoneProvider } from '../../server/identity/configure';
import { findZoneProvider } from '../../server/identity/providers';
import { SecretBox } from '../../server/identity/secret-box';
import { startAuthServer } from '../support/auth';
import { startCraftedProvider, type CraftedProvider } from '../support/crafted-provider';
import type { TestServer } from '../support/server';
import { setUpProject } from '../support/sync';
import { signedIn } from '../support/workflows';

let dataDir: string;
let server: TestServer;
let provider: CraftedProvider;
let consortiumId: string;

beforeEach(async () => {
	dataDir = mkdtempSync(join(tmpdir(), 'console-identity-'));
	server = await startAuthServer({ config: { dataDir } });
	setUpProject(server, 'institution-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'iris', role: 'admin', zone: 'aurora' }
	]);
	consortiumId = server.app.db
		.prepare("SELECT consortium_id FROM zones WHERE id = 'aurora'")
		.pluck()
		.get() as string;
	provider = await startCraftedProvider();
});

afterEach(async () => {
	await server.close();
	await provider.stop();
	rmSync(dataDir, { recursive: true, force: true });
});

const zonePath = (zoneId: string) => `/api/consortia/${consortiumId}/identity/zones/${zoneId}`;

function providerInput(changes: Record<string, unknown> = {}) {
	return {
		issuer: provider.issuer,
		clientId: provider.clientId,
		clientSecret: provider.clientSecret,
		emailDomains: ['aurora.example.edu'],
		required: true,
		allowNewAccounts: false,
		...changes
	};
}

/** A port of 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as { port: number };
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return port;
}

describe('setting a zone’s identity provider in the console', () => {
	it('is for the Network Zone’s Project Admins only', async () => {
		const refused = await signedIn(server, 'iris').post(zonePath('aurora'), providerInput());
		expect(refused.status).toBe(403);
		expect(refused.body.error).toMatchObject({
			code: 'not-network-zone-admin',
			message: "Only the Network Zone's Project Admins can set up identity providers."
		});
		expect(
			(await signedIn(server, 'iris').get(`/api/consortia/${consortiumId}/identity`)).status
		).toBe(403);
	});

	it('shows the provider without its secret, and keeps the secret sealed', async () => {
		const ada = signedIn(server, 'ada');
		const set = await ada.post(zonePath('aurora'), providerInput());
		expect(set.status).toBe(200);
		expect(set.body.provider).toMatchObject({
			zoneId: 'aurora',
			issuer: provider.issuer,
			clientSecretSet: true,
			emailDomains: ['aurora.example.edu'],
			required: true
		});
		const listed = await ada.get(`/api/consortia/${consortiumId}/identity`);
		expect(listed.body.redirectUri).toBe(`${server.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`);
		expect(listed.body.zones.find((zone: { id: string }) => zone.id === 'aurora').provider).toEqual(
			set.body.provider
		);
		for (const answer of [set, listed])
			expect(JSON.stringify(answer.body)).not.toContain(provider.clientSecret);

		const stored = server.app.db
			.prepare("SELECT client_secret_sealed FROM identity_providers WHERE zone_id = 'aurora'")
			.pluck()
			.get() as Buffer;
		expect(stored.includes(Buffer.from(provider.clientSecret))).toBe(false);
		expect(statSync(join(dataDir, 'identity-secret.key')).mode & 0o777).toBe(0o600);
	});

	it('keeps the stored secret when a change leaves it out', async () => {
		const ada = signedIn(server, 'ada');
		await ada.post(zonePath('aurora'), providerInput());
		const changed = await ada.post(
			zonePath('aurora'),
			providerInput({ clientSecret: undefined, required: false })
		);
		expect(changed.status).toBe(200);
		expect(changed.body.provider.required).toBe(false);
		const started = await ada.post('/api/auth/sign-in/start', { email: 'ines@aurora.example.edu' });
		expect(started.body.method).toBe('identity-provider');
	});

	it('refuses a wrong issuer with the reason, storing nothing', async () => {
		const ada = signedIn(server, 'ada');
		const cases: Array<[string, number, string, string]> = [
			[
				`http://localhost:${new URL(provider.issuer).port}`,
				400,
				'identity-provider-unusable',
				`calls itself ${provider.issuer}`
			],
			[`${provider.issuer}/elsewhere`, 400, 'identity-provider-unusable', 'check the issuer URL'],
			[server.url, 400, 'identity-provider-unusable', 'check the issuer URL'],
			[
				`http://127.0.0.1:${await closedPort()}`,
				502,
				'identity-provider-unreachable',
				'could not be reached'
			]
		];
		for (const [issuer, status, code, reason] of cases) {
			const refused = await ada.post(zonePath('aurora'), providerInput({ issuer }));
			expect(refused.status, issuer).toBe(status);
			expect(refused.body.error.code, issuer).toBe(code);
			expect(refused.body.error.fields.issuer[0], issuer).toContain(reason);
		}
		const plainHttp = await ada.post(
			zonePath('aurora'),
			providerInput({ issuer: 'http://login.aurora.example.edu' })
		);
		expect(plainHttp.body.error.fields.issuer).toEqual([
			'Use https:// (http:// only for a provider on this machine)'
		]);
		expect(findZoneProvider(server.app.db, 'aurora')).toBeNull();
	});

	it('lets a provider speak only for its own zone’s domains, each for one provider', async () => {
		const ada = signedIn(server, 'ada');
		const outside = await ada.post(
			zonePath('aurora'),
			providerInput({ emailDomains: ['aurora.example.edu', 'borealis.example.edu'] })
		);
		expect(outside.status).toBe(400);
		expect(outside.body.error.fields.emailDomains).toEqual([
			'borealis.example.edu is not a domain of Aurora (aurora.example.edu).'
		]);
		// A subdomain of the zone's domain is the zone's.
		const subdomain = await ada.post(
			zonePath('aurora'),
			providerInput({ emailDomains: ['aurora.example.edu', 'staff.aurora.example.edu'] })
		);
		expect(subdomain.status).toBe(200);

		// A library in two consortia: its zone in the other one may not claim the domain again.
		createConsortium(server.app.db, {
			name: 'Elsewhere',
			mode: 'institution-zone',
			zones: [
				{ id: 'else-nz', kind: 'network', name: 'Elsewhere Office' },
				{
					id: 'else-aurora',
					kind: 'institution',
					name: 'Aurora Too',
					emailDomains: ['aurora.example.edu']
				}
			]
		});
		const second = await setZoneProvider(
			{ db: server.app.db, box: new SecretBox(server.app.config.identitySecretKey) },
			'else-aurora',
			providerInput(),
			{ accountId: null, at: Date.now() }
		);
		expect(second).toMatchObject({
			ok: false,
			code: 'identity-provider-invalid',
			message: "Aurora's identity provider speaks for aurora.example.edu already."
		});
	});

	it('removes a provider: its people sign in by email again', async () => {
		const ada = signedIn(server, 'ada');
		await ada.post(zonePath('aurora'), providerInput());
		expect((await ada.delete(zonePath('aurora'))).status).toBe(204);
		const started = await ada.post('/api/auth/sign-in/start', { email: 'ines@aurora.example.edu' });
		expect(started.body).toEqual({ method: 'email' });
		const again = await ada.delete(zonePath('aurora'));
		expect(again.body.error.code).toBe('identity-provider-not-found');
	});

	it('records setting and removing a provider in the consortium’s log, without the secret', async () => {
		const ada = signedIn(server, 'ada');
		await ada.post(zonePath('aurora'), providerInput());
		await ada.delete(zonePath('aurora'));
		const log = await ada.get(`/api/consortia/${consortiumId}/audit`);
		expect(log.status).toBe(200);
		const sentences = log.body.entries.map((entry: { sentence: string }) => entry.sentence);
		expect(sentences).toEqual([
			`Name of ada removed Aurora’s identity provider (${provider.issuer})`,
			`Name of ada set Aurora’s identity provider: ${provider.issuer} (client ${provider.clientId}) for aurora.example.edu; required, accounts for invited people only, a new client secret`
		]);
		expect(JSON.stringify(log.body)).not.toContain(provider.clientSecret);
	});
});

describe('npm run admin -- set-identity-provider', () => {
	const run = promisify(execFile);

	function admin(...args: string[]) {
		return adminReading('', ...args);
	}

	/** The command with `input` on its standard input. */
	async function adminReading(input: string, ...args: string[]) {
		const running = run(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args], {
			env: { ...process.env, DATA_DIR: dataDir }
		});
		running.child.stdin!.end(input);
		try {
			const { stdout, stderr } = await running;
			return { code: 0, stdout, stderr };
		} catch (error) {
			const failed = error as { code: number; stdout: string; stderr: string };
			return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
		}
	}

	it('sets, lists and removes a provider beside the running server, which uses it at once', async () => {
		const set = await admin(
			'set-identity-provider',
			'--zone',
			'aurora',
			'--issuer',
			provider.issuer,
			'--client-id',
			provider.clientId,
			'--client-secret',
			provider.clientSecret,
			'--domain',
			'aurora.example.edu',
			'--required'
		);
		expect(set, set.stderr).toMatchObject({ code: 0, stderr: '' });
		expect(set.stdout).toContain(
			`Aurora signs in through ${provider.issuer} (client ${provider.clientId}) for aurora.example.edu; link and password sign-in are refused there.`
		);
		expect(set.stdout).not.toContain(provider.clientSecret);
		const listed = await admin('list');
		expect(listed.stdout).toContain(`identity provider ${provider.issuer}`);
		expect(listed.stdout).not.toContain(provider.clientSecret);

		const refused = await signedIn(server, 'ada').post('/api/auth/link', {
			email: 'ines@aurora.example.edu'
		});
		expect(refused.body.error.code).toBe('identity-provider-required');

		const removed = await admin('remove-identity-provider', '--zone', 'aurora');
		expect(removed.code).toBe(0);
		const allowed = await signedIn(server, 'ada').post('/api/auth/link', {
			email: 'ines@aurora.example.edu'
		});
		expect(allowed.status).toBe(202);
	});

	it('reads the client secret from standard input with --client-secret -, out of the process list', async () => {
		const set = await adminReading(
			`${provider.clientSecret}\n`,
			'set-identity-provider',
			'--zone',
			'aurora',
			'--issuer',
			provider.issuer,
			'--client-id',
			provider.clientId,
			'--client-secret',
			'-',
			'--domain',
			'aurora.example.edu'
		);
		expect(set, set.stderr).toMatchObject({ code: 0, stderr: '' });
		const stored = findZoneProvider(server.app.db, 'aurora')!;
		expect(
			new SecretBox(server.app.config.identitySecretKey).open(
				stored.clientSecretSealed,
				'identity-provider:aurora'
			)
		).toEqual({ ok: true, secret: provider.clientSecret });
	});

	it('says what is wrong and exits 1', async () => {
		const wrong = await admin(
			'set-identity-provider',
			'--zone',
			'aurora',
			'--issuer',
			`${provider.issuer}/elsewhere`,
			'--client-id',
			'x',
			'--client-secret',
			'y',
			'--domain',
			'aurora.example.edu'
		);
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toContain('Not set:');
		expect(wrong.stderr).toContain('check the issuer URL');
		const noDomain = await admin(
			'set-identity-provider',
			'--zone',
			'aurora',
			'--issuer',
			provider.issuer,
			'--client-id',
			'x'
		);
		expect(noDomain).toMatchObject({ code: 1 });
		expect(noDomain.stderr).toContain(
			'--domain: Name at least one email domain the provider speaks for'
		);
	});
});
