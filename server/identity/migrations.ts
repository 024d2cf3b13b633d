/**
 * The tables of sign-in through a zone's identity provider (OpenID Connect): each zone's provider,
 * the email domains each speaks for (one provider per domain, which the primary key keeps), and
 * the sign-ins under way between leaving for the provider and coming back. The client secret is
 * stored sealed (AES-256-GCM, server/identity/secret-box.ts); a sign-in's state and its browser's
 * binding only as SHA-256 hashes.
 */
import type { Migration } from '../db/database';

export const IDENTITY_MIGRATIONS: Migration[] = [
	{
		id: 'identity-001-providers-and-sign-ins',
		sql: `
		CREATE TABLE identity_providers (
			zone_id TEXT PRIMARY KEY REFERENCES zones(id),
			issuer TEXT NOT NULL,
			client_id TEXT NOT NULL,
			-- nonce (12 bytes) | ciphertext | tag (16 bytes), sealed with the zone id as associated data
			client_secret_sealed BLOB NOT NULL,
			required INTEGER NOT NULL CHECK (required IN (0, 1)),
			allow_new_accounts INTEGER NOT NULL CHECK (allow_new_accounts IN (0, 1)),
			updated_at INTEGER NOT NULL,
			-- The Project Admin who set it; NULL: the consortium office through npm run admin.
			updated_by TEXT
		) STRICT;
		CREATE TABLE identity_provider_domains (
			domain TEXT PRIMARY KEY CHECK (domain = lower(domain)),
			zone_id TEXT NOT NULL REFERENCES identity_providers(zone_id) ON DELETE CASCADE
		) STRICT, WITHOUT ROWID;
		CREATE INDEX identity_provider_domains_by_zone ON identity_provider_domains(zone_id);
		CREATE TABLE identity_sign_ins (
			state_hash BLOB PRIMARY KEY,
			browser_hash BLOB NOT NULL,
			zone_id TEXT NOT NULL,
			-- The provider as it was when the sign-in started: a change meanwhile refuses it.
			issuer TEXT NOT NULL,
			client_id TEXT NOT NULL,
			nonce TEXT NOT NULL,
			code_verifier TEXT NOT NULL,
			next_path TEXT NOT NULL,
			created_at INTEGER NOT NULL,
			expires_at INTEGER NOT NULL,
			consumed_at INTEGER
		) STRICT;
		CREATE INDEX identity_sign_ins_by_expiry ON identity_sign_ins(expires_at);`
	}
];
