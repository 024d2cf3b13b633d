/**
 * The audit log: every accepted change and every refused attempt on every document.
 */
import type { Migration } from '../db/database';

export const AUDIT_MIGRATIONS: Migration[] = [
	{
		id: 'workflow-003-audit-log',
		sql: `
		-- Every accepted change and every refused attempt on every document. The id orders the log
		-- and is the cursor of its pages.
		CREATE TABLE audit_log (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			at INTEGER NOT NULL,
			project_id TEXT,
			document TEXT NOT NULL,
			view_id TEXT,
			root TEXT NOT NULL,
			entry_key TEXT NOT NULL,
			author_id TEXT,
			outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
			reason_code TEXT,
			message TEXT,
			before_json TEXT,
			after_json TEXT,
			redacted TEXT CHECK (redacted IN ('private-document', 'too-large'))
		) STRICT;
		CREATE INDEX audit_log_by_project ON audit_log(project_id, id);`
	},
	{
		id: 'workflow-006-audit-via-portal',
		sql: `
		-- The portal whose embedded widget made the change ("<person> via <portal>"); NULL for the
		-- console's own connections and the server. Portals are never deleted, only revoked.
		ALTER TABLE audit_log ADD COLUMN via_portal_id TEXT;`
	}
];
