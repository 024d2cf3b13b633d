/**
 * Provisioning's tables: each zone's SCIM token (one at most, its secret hashed), and the people
 * each zone's identity provider provisioned, with what the provider said of them.
 */
import type { Migration } from '../db/database';

export const SCIM_MIGRATIONS: Migration[] = [
	{
		id: 'scim-001-tokens-and-users',
		sql: `
		-- A zone's token is <token_id>.<secret> behind the prefix scim_; only the secret's SHA-256 is
		-- kept. Replacing it rewrites the row, so the old token stops working in the same statement.
		CREATE TABLE scim_tokens (
			zone_id TEXT PRIMARY KEY REFERENCES zones(id),
			token_id TEXT NOT NULL UNIQUE,
			secret_hash BLOB NOT NULL,
			issued_at INTEGER NOT NULL,
			-- An account id; null: the consortium office through npm run admin.
			issued_by TEXT,
			last_used_at INTEGER
		) STRICT;
		-- One row per person a zone's provider provisioned. A deleted user keeps its row (deleted_at)
		-- so that the person stays unable to sign in until the provider creates them again.
		CREATE TABLE scim_users (
			id TEXT PRIMARY KEY,
			zone_id TEXT NOT NULL REFERENCES zones(id),
			account_id TEXT NOT NULL,
			external_id TEXT,
			given_name TEXT,
			family_name TEXT,
			formatted_name TEXT,
			display_name TEXT,
			active INTEGER NOT NULL CHECK (active IN (0, 1)),
			created_at INTEGER NOT NULL,
			updated_at INTEGER NOT NULL,
			deleted_at INTEGER
		) STRICT;
		CREATE UNIQUE INDEX scim_users_one_per_zone ON scim_users(zone_id, account_id);
		CREATE INDEX scim_users_by_account ON scim_users(account_id);
		CREATE INDEX scim_users_by_external_id ON scim_users(zone_id, external_id);`
	}
];
