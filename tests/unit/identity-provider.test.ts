/**
 * The rules of identity providers, thrown the whole space with fast-check: which provider speaks
 * for an address, which domains a zone's provider may claim, what the configuration accepts; and
 * the sealing of client secrets.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	domainsOutsideZone,
	IdentityProviderInputSchema,
	isWithinDomain,
	IssuerSchema,
	NextPathSchema,
	providerForEmail
} from '../../src/lib/shared';
import { decodeSecretKey, SecretBox } from '../../server/identity/secret-box';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const domain = fc
	.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('edu', 'org', 'example'))
	.map(([labels, top]) => [...labels, top].join('.'));
const email = fc.tuple(label, domain).map(([local, at]) => `${local}@${at}`);

describe('the provider that speaks for an address', () => {
	it('is the one whose domain claims it most specifically, or none when no domain claims it', () => {
		fc.assert(
			fc.property(
				fc.uniqueArray(domain, { maxLength: 8 }),
				fc.nat(),
				email,
				fc.array(label, { maxLength: 2 }),
				(domains, split, address, prefix) => {
					// Each domain belongs to one provider, as configuration keeps them.
					const cut = split % (domains.length + 1);
					const providers = [
						{ id: 'a', emailDomains: domains.slice(0, cut) },
						{ id: 'b', emailDomains: domains.slice(cut) }
					];
					// Often an address at one of the domains, or under one of its subdomains.
					const at =
						domains.length > 0 && split % 3 !== 0 ? domains[split % domains.length]! : null;
					const tested = at ? `x@${[...prefix, at].join('.')}` : address;
					const claim = (provider: (typeof providers)[number]) =>
						Math.max(
							0,
							...provider.emailDomains
								.filter((candidate) => isWithinDomain(tested.split('@')[1]!, candidate))
								.map((candidate) => candidate.length)
						);
					const chosen = providerForEmail(providers, tested);
					const best = Math.max(...providers.map(claim));
					if (best === 0) expect(chosen).toBeNull();
					else {
						expect(chosen).not.toBeNull();
						expect(claim(chosen!)).toBe(best);
					}
				}
			),
			{ numRuns: RUNS }
		);
	});

	it('does not take a lookalike domain for a subdomain', () => {
		const providers = [{ emailDomains: ['aurora.edu'] }];
		expect(providerForEmail(providers, 'x@notaurora.edu')).toBeNull();
		expect(providerForEmail(providers, 'x@aurora.edu.evil.org')).toBeNull();
		expect(providerForEmail(providers, 'x@Staff.Aurora.EDU')).toBe(providers[0]);
	});
});

describe('the domains a zone’s provider may speak for', () => {
	it('are the zone’s own and their subdomains, nothing else', () => {
		fc.assert(
			fc.property(
				fc.uniqueArray(domain, { minLength: 1, maxLength: 4 }),
				fc.array(fc.tuple(fc.array(label, { maxLength: 2 }), fc.nat(), domain), { maxLength: 6 }),
				(zoneDomains, candidates) => {
					const asked = candidates.map(([prefix, pick, other]) =>
						pick % 2 === 0 ? [...prefix, zoneDomains[pick % zoneDomains.length]].join('.') : other
					);
					const outside = domainsOutsideZone(asked, zoneDomains);
					for (const candidate of asked) {
						const inZone = zoneDomains.some((own) => isWithinDomain(candidate, own));
						expect(outside.includes(candidate)).toBe(!inZone);
					}
				}
			),
			{ numRuns: RUNS }
		);
	});
});

describe('the configuration', () => {
	it('takes https issuers, and plain http only on this machine', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('https', 'http'),
				fc.oneof(domain, fc.constantFrom('127.0.0.1', 'localhost', '[::1]')),
				fc.option(fc.integer({ min: 1, max: 65535 })),
				fc.constantFrom('', '/', '/realms/library', '/tenant/v2.0'),
				(scheme, host, port, path) => {
					const issuer = `${scheme}://${host}${port ? `:${port}` : ''}${path}`;
					const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(host);
					expect(IssuerSchema.safeParse(issuer).success).toBe(scheme === 'https' || loopback);
				}
			),
			{ numRuns: RUNS }
		);
		for (const refused of [
			'https://login.example.edu/?tenant=1',
			'https://login.example.edu/#x',
			'https://user:pass@login.example.edu',
			'javascript:alert(1)',
			'login.example.edu'
		])
			expect(IssuerSchema.safeParse(refused).success, refused).toBe(false);
	});

	it('refuses any other shape with field errors, and never throws', () => {
		fc.assert(
			fc.property(fc.anything(), (input) => {
				const parsed = IdentityProviderInputSchema.safeParse(input);
				if (parsed.success) {
					expect(parsed.data.emailDomains.length).toBeGreaterThan(0);
					expect(new Set(parsed.data.emailDomains).size).toBe(parsed.data.emailDomains.length);
				}
			}),
			{ numRuns: RUNS }
		);
		const base = {
			issuer: 'https://login.example.edu',
			clientId: 'console',
			emailDomains: ['example.edu'],
			required: false,
			allowNewAccounts: false
		};
		expect(IdentityProviderInputSchema.safeParse(base).success).toBe(true);
		expect(IdentityProviderInputSchema.safeParse({ ...base, secretHash: 'x' }).success).toBe(false);
		expect(
			IdentityProviderInputSchema.safeParse({
				...base,
				emailDomains: ['example.edu', 'EXAMPLE.edu']
			}).success
		).toBe(false);
	});
});

describe('the path a sign-in goes on to', () => {
	const site = 'https://console.example.org';

	it('is taken only when a browser would stay on the site with it', () => {
		// What browsers read specially in a URL: slashes either way, the tabs and newlines they drop.
		const piece = fc.constantFrom(
			'/',
			'\\',
			'\t',
			'\n',
			'\r',
			' ',
			'.',
			'..',
			'%2f',
			'@',
			':',
			'evil.example',
			'p1'
		);
		fc.assert(
			fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
				const next = `/${pieces.join('')}`;
				if (NextPathSchema.safeParse(next).success)
					expect(new URL(next, site).origin, JSON.stringify(next)).toBe(site);
			}),
			{ numRuns: RUNS }
		);
		for (const refused of [
			'//evil.example',
			'/\\evil.example',
			'/\t/evil.example',
			'/\n/evil.example',
			'https://evil.example',
			'p1'
		])
			expect(NextPathSchema.safeParse(refused).success, JSON.stringify(refused)).toBe(false);
		for (const taken of ['/', '/projects/p1', '/projects/p1?tab=users#x', '/a//b'])
			expect(NextPathSchema.safeParse(taken).success, taken).toBe(true);
	});
});

describe('sealed client secrets', () => {
	const key = new Uint8Array(32).fill(7);

	it('open to what was sealed, for what it was sealed about, with the same key only', () => {
		const box = new SecretBox({ key, file: '/nonexistent' });
		const otherKey = new SecretBox({ key: new Uint8Array(32).fill(8), file: '/nonexistent' });
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), fc.nat(), (secret, flip) => {
				const sealed = box.seal(secret, 'identity-provider:aurora');
				expect(box.open(sealed, 'identity-provider:aurora')).toEqual({ ok: true, secret });
				expect(box.open(sealed, 'identity-provider:borealis').ok).toBe(false);
				expect(otherKey.open(sealed, 'identity-provider:aurora').ok).toBe(false);
				const tampered = new Uint8Array(sealed);
				tampered[flip % tampered.length]! ^= 1;
				expect(box.open(tampered, 'identity-provider:aurora').ok).toBe(false);
			}),
			{ numRuns: 100 }
		);
	});

	it('makes its key once, readable by its owner only, when no key is configured', () => {
		const dir = mkdtempSync(join(tmpdir(), 'secret-box-'));
		try {
			const file = join(dir, 'identity-secret.key');
			const sealed = new SecretBox({ key: null, file }).seal('s3cret', 'about');
			expect(statSync(file).mode & 0o777).toBe(0o600);
			expect(new SecretBox({ key: null, file }).open(sealed, 'about')).toEqual({
				ok: true,
				secret: 's3cret'
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('takes a key of 32 bytes in base64 only', () => {
		expect(decodeSecretKey(Buffer.alloc(32, 1).toString('base64'))).toHaveLength(32);
		expect(decodeSecretKey(Buffer.alloc(16, 1).toString('base64'))).toBeNull();
		expect(decodeSecretKey('not a key')).toBeNull();
	});
});
