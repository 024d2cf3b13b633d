/**
 * The tables of embedding: portals (with the SHA-256 of their API key, never the key) and tickets
 * (the SHA-256 of each ticket), the projects each portal serves, and the grants of people who
 * allowed a portal to act for them. STRICT tables, times in milliseconds since the Unix epoch.
 */
import type { Migration } from '../db/database';

export const EMBED_MIGRATIONS: Migration[] = [
	{
		id: 'embed-001-portals',
		sql: `
		CREATE TABLE embed_portals (
			id TEXT PRIMARY KEY,
			consortium_id TEXT NOT NULL REFERENCES consortia(id),
			name TEXT NOT NULL,
			-- A JSON array of origins ("https://portal.example.org"), validated before it is stored.
			origins TEXT NOT NULL,
			key_hash BLOB NOT NULL,
			-- An account id, or NULL for the consortium office (npm run admin).
			created_by TEXT,
			created_at INTEGER NOT NULL,
			revoked_at INTEGER,
			revoked_by TEXT
		) STRICT;
		CREATE INDEX embed_portals_by_consortium ON embed_portals(consortium_id);`
	},
	{
		id: 'embed-002-tickets',
		sql: `
		CREATE TABLE embed_tickets (
			ticket_hash BLOB PRIMARY KEY,
			portal_id TEXT NOT NULL REFERENCES embed_portals(id),
			account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
			project_id TEXT NOT NULL,
			created_at INTEGER NOT NULL,
			expires_at INTEGER NOT NULL,
			consumed_at INTEGER
		) STRICT;
		CREATE INDEX embed_tickets_by_expiry ON embed_tickets(expires_at);`
	},
	{
		// A portal serves the projects listed here, and only them (tickets, exchanges, framing).
		// Portals registered before this migration served every project of their consortium: they
		// keep exactly that, so that nothing running stops; revoke and re-register one to narrow it.
		id: 'embed-003-portal-projects',
		sql: `
		CREATE TABLE embed_portal_projects (
			portal_id TEXT NOT NULL REFERENCES embed_portals(id),
			project_id TEXT NOT NULL REFERENCES projects(id),
			PRIMARY KEY (portal_id, project_id)
		) STRICT, WITHOUT ROWID;
		INSERT INTO embed_portal_projects (portal_id, project_id)
			SELECT portal.id, project.id FROM embed_portals AS portal
			JOIN projects AS project ON project.consortium_id = portal.consortium_id;`
	},
	{
		// A person's consent: the portal may act for them in these projects (those it served, of
		// theirs, when they allowed it). No ticket without one; existing portals start with none,
		// so everyone is asked once.
		id: 'embed-004-grants',
		sql: `
		CREATE TABLE embed_grants (
			account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
			portal_id TEXT NOT NULL REFERENCES embed_portals(id),
			-- A JSON array of project ids, validated before it is stored.
			project_ids TEXT NOT NULL,
			created_at INTEGER NOT NULL,
			last_used_at INTEGER,
			PRIMARY KEY (account_id, portal_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX embed_grants_by_portal ON embed_grants(portal_id);`
	}
];
