/**
 * The zones' identity providers (SQL): one per zone, the domains each speaks for (one provider per
 * domain), the client secret sealed. `responsibleProvider` answers, from an address alone, which
 * provider (if any) speaks for it: the sign-in page, the callback and the refusals of link and
 * password sign-in all ask it the same way.
 */
import { findLastOffboarding } from '../offboarding/records';
import {
	emailDomain,
	providerForEmail,
	zonesClaimingEmail,
	type IdentityProvider
} from '../../src/lib/shared';
import { findConsortium } from '../consortium/store';
import type { Db } from '../db/database';
import type { SecretBox } from './secret-box';

/** A provider as the server uses it: with its zone's name and consortium, and the sealed secret. */
export interface StoredProvider extends IdentityProvider {
	zoneName: string;
	consortiumId: string;
	clientSecretSealed: Uint8Array;
	updatedBy: string | null;
}

export interface ProviderRecord {
	zoneId: string;
	issuer: string;
	clientId: string;
	/** The secret in clear, sealed here; null keeps the one stored. */
	clientSecret: string | null;
	emailDomains: readonly string[];
	required: boolean;
	allowNewAccounts: boolean;
	updatedBy: string | null;
	at: number;
}

interface ProviderRow {
	zone_id: string;
	issuer: string;
	client_id: string;
	client_secret_sealed: Uint8Array;
	required: number;
	allow_new_accounts: number;
	updated_at: number;
	updated_by: string | null;
	zone_name: string;
	consortium_id: string;
	domains: string;
}

const SELECT = `
	SELECT p.*, z.name AS zone_name, z.consortium_id,
	       (SELECT json_group_array(domain) FROM
	          (SELECT domain FROM identity_provider_domains d WHERE d.zone_id = p.zone_id ORDER BY domain)
	       ) AS domains
	FROM identity_providers p JOIN zones z ON z.id = p.zone_id`;

function toProvider(row: ProviderRow): StoredProvider {
	return {
		zoneId: row.zone_id,
		zoneName: row.zone_name,
		consortiumId: row.consortium_id,
		issuer: row.issuer,
		clientId: row.client_id,
		clientSecretSet: true,
		clientSecretSealed: row.client_secret_sealed,
		emailDomains: JSON.parse(row.domains) as string[],
		required: row.required === 1,
		allowNewAccounts: row.allow_new_accounts === 1,
		updatedAt: row.updated_at,
		updatedBy: row.updated_by
	};
}

/** What the API shows of a provider: never the secret, sealed or not. */
export function publicProvider(provider: StoredProvider): IdentityProvider {
	return {
		zoneId: provider.zoneId,
		issuer: provider.issuer,
		clientId: provider.clientId,
		clientSecretSet: true,
		emailDomains: provider.emailDomains,
		required: provider.required,
		allowNewAccounts: provider.allowNewAccounts,
		updatedAt: provider.updatedAt
	};
}

/** What a client secret is sealed about: its zone, so that it opens in that zone's row only. */
export function secretContext(zoneId: string): string {
	return `identity-provider:${zoneId}`;
}

export function findZoneProvider(db: Db, zoneId: string): StoredProvider | null {
	const row = db.prepare(`${SELECT} WHERE p.zone_id = ?`).get(zoneId) as ProviderRow | undefined;
	return row ? toProvider(row) : null;
}

export function listConsortiumProviders(db: Db, consortiumId: string): StoredProvider[] {
	return (db.prepare(`${SELECT} WHERE z.consortium_id = ?`).all(consortiumId) as ProviderRow[]).map(
		toProvider
	);
}

/** The zone whose provider speaks for the domain already, if another zone's does. */
export function domainHolder(db: Db, domain: string): { zoneId: string; zoneName: string } | null {
	const row = db
		.prepare(
			`SELECT d.zone_id AS zoneId, z.name AS zoneName FROM identity_provider_domains d
			 JOIN zones z ON z.id = d.zone_id WHERE d.domain = ?`
		)
		.get(domain.toLowerCase()) as { zoneId: string; zoneName: string } | undefined;
	return row ?? null;
}

/** Writes the zone's provider (replacing its domains); a new provider must bring its secret. */
export function saveProvider(db: Db, box: SecretBox, record: ProviderRecord): StoredProvider {
	db.transaction(() => {
		const values = {
			zoneId: record.zoneId,
			issuer: record.issuer,
			clientId: record.clientId,
			required: record.required ? 1 : 0,
			allowNewAccounts: record.allowNewAccounts ? 1 : 0,
			at: record.at,
			updatedBy: record.updatedBy
		};
		if (record.clientSecret === null)
			// The caller found the zone's provider, whose sealed secret stays.
			db.prepare(
				`UPDATE identity_providers SET issuer = @issuer, client_id = @clientId, required = @required,
				   allow_new_accounts = @allowNewAccounts, updated_at = @at, updated_by = @updatedBy
				 WHERE zone_id = @zoneId`
			).run(values);
		else
			db.prepare(
				`INSERT INTO identity_providers (zone_id, issuer, client_id, client_secret_sealed, required,
				   allow_new_accounts, updated_at, updated_by)
				 VALUES (@zoneId, @issuer, @clientId, @sealed, @required, @allowNewAccounts, @at, @updatedBy)
				 ON CONFLICT (zone_id) DO UPDATE SET issuer = excluded.issuer,
				   client_id = excluded.client_id, client_secret_sealed = excluded.client_secret_sealed,
				   required = excluded.required, allow_new_accounts = excluded.allow_new_accounts,
				   updated_at = excluded.updated_at, updated_by = excluded.updated_by`
			).run({ ...values, sealed: box.seal(record.clientSecret, secretContext(record.zoneId)) });
		db.prepare('DELETE FROM identity_provider_domains WHERE zone_id = ?').run(record.zoneId);
		const insert = db.prepare(
			'INSERT INTO identity_provider_domains (domain, zone_id) VALUES (?, ?)'
		);
		for (const domain of record.emailDomains) insert.run(domain.toLowerCase(), record.zoneId);
	})();
	return findZoneProvider(db, record.zoneId)!;
}

/** Removes the zone's provider; whether there was one. Sign-ins under way with it then fail. */
export function deleteProvider(db: Db, zoneId: string): boolean {
	return db.prepare('DELETE FROM identity_providers WHERE zone_id = ?').run(zoneId).changes === 1;
}

/**
 * The provider that speaks for the address, or null. It is the provider whose domains claim the
 * address most specifically, and its zone must be one that claims the address in its consortium:
 * an Institution Zone's `lib.example.org` is not the Network Zone's, even when the Network Zone's
 * provider speaks for `example.org`.
 */
export function responsibleProvider(db: Db, email: string): StoredProvider | null {
	const candidates = providersClaimingDomain(db, emailDomain(email));
	const provider = providerForEmail(candidates, email);
	if (!provider) return null;
	const zones = findConsortium(db, provider.consortiumId)?.zones ?? [];
	const claimants = zonesClaimingEmail(zones, email);
	if (!claimants.some((zone) => zone.id === provider.zoneId)) return null;
	// A library that left the consortium speaks for nobody in it any more: its provider neither
	// signs people in (nor makes accounts in a zone that is gone) nor keeps links from them.
	return findLastOffboarding(db, provider.zoneId)?.completedAt ? null : provider;
}

/** The providers with a domain that is the address's domain or one of its parents. */
function providersClaimingDomain(db: Db, domain: string): StoredProvider[] {
	const labels = domain.split('.');
	const suffixes = labels.slice(0, -1).map((_, index) => labels.slice(index).join('.'));
	if (suffixes.length === 0) return [];
	const rows = db
		.prepare(
			`${SELECT} WHERE p.zone_id IN (SELECT zone_id FROM identity_provider_domains
			   WHERE domain IN (${suffixes.map(() => '?').join(', ')}))`
		)
		.all(...suffixes) as ProviderRow[];
	return rows.map(toProvider);
}
