/**
 * The access paths' table: how each membership of every project began, and who last changed its
 * role and data views (server/access/grants.ts keeps it from the audit log).
 */
import type { Migration } from '../db/database';

export const ACCESS_MIGRATIONS: Migration[] = [
	{
		id: 'access-001-grants',
		sql: `
		-- One row per member entry of each project document. granted_by NULL: the consortium office
		-- (the server's own act), or for path 'unrecorded' nobody known. A *_set_at without its
		-- *_set_by: changed by the office.
		CREATE TABLE access_grants (
			project_id TEXT NOT NULL,
			account_id TEXT NOT NULL,
			path TEXT NOT NULL
				CHECK (path IN ('invitation', 'existing-account', 'request', 'direct', 'unrecorded')),
			granted_by TEXT,
			asked_at INTEGER,
			granted_at INTEGER,
			role_set_by TEXT,
			role_set_at INTEGER,
			views_set_by TEXT,
			views_set_at INTEGER,
			PRIMARY KEY (project_id, account_id)
		) STRICT, WITHOUT ROWID;
		-- Memberships made before this table get their rows when their project document loads:
		-- every project document is read once at the next start (server/features/backfill.ts).
		-- The mark's table is the features' (workflow-005), which comes before this migration.
		INSERT OR IGNORE INTO workflow_marks (name) VALUES ('index-existing-documents');`
	}
];
