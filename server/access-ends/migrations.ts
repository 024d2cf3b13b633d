/**
 * Access that ends (docs/workflows.md): an SQL index of the end dates of memberships, so that the
 * scheduler finds what is due without loading any document, and the reminders sent, so that each
 * is sent once, also across restarts.
 */
import type { Migration } from '../db/database';

export const ACCESS_END_MIGRATIONS: Migration[] = [
	{
		id: 'access-ends-001-index-and-reminders',
		sql: `
		-- One row per member entry with an end date, in every project document; kept in step by a
		-- registry listener and checked when a project document loads (end-index.ts). set_at: when
		-- the server first saw this end date; a reminder whose day had passed by then is not sent
		-- (the member was told of the end date when it was set).
		CREATE TABLE access_ends (
			project_id TEXT NOT NULL,
			account_id TEXT NOT NULL,
			ends_at INTEGER NOT NULL,
			set_at INTEGER NOT NULL,
			PRIMARY KEY (project_id, account_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX access_ends_due ON access_ends(ends_at);
		-- The reminders of an end date, each written in the same transaction as its mail's outbox
		-- rows. When both fell due at once (the server was down over both), only the nearer is
		-- sent and the week's is recorded as skipped: one mail, not two.
		CREATE TABLE access_end_reminders (
			project_id TEXT NOT NULL,
			account_id TEXT NOT NULL,
			ends_at INTEGER NOT NULL,
			days_before INTEGER NOT NULL,
			outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
			at INTEGER NOT NULL,
			PRIMARY KEY (project_id, account_id, ends_at, days_before)
		) STRICT, WITHOUT ROWID;`
	}
];
