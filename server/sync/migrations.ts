import type { Migration } from '../db/database';

export const SYNC_MIGRATIONS: Migration[] = [
	{
		id: 'sync-001-update-log-and-clients',
		sql: `
		-- Each document is its log of updates; compaction replaces a prefix with one merged update.
		CREATE TABLE doc_updates (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			doc TEXT NOT NULL,
			data BLOB NOT NULL
		);
		CREATE INDEX doc_updates_by_doc ON doc_updates(doc, id);
		-- Which account (or the server) writes with each Yjs clientID in a document.
		CREATE TABLE doc_clients (
			doc TEXT NOT NULL,
			client_id INTEGER NOT NULL,
			owner TEXT NOT NULL,
			PRIMARY KEY (doc, client_id)
		) WITHOUT ROWID;`
	},
	{
		id: 'sync-002-trusted-snapshots',
		sql: `
		-- The mark of a snapshot chunk the server compacted from entries it had validated
		-- (server/sync/trust-mark.ts); null for an update appended as it came, or an earlier
		-- version's snapshot: those are read entry by entry when the document loads.
		ALTER TABLE doc_updates ADD COLUMN trust_mark TEXT;`
	},
	{
		id: 'sync-003-writes-waiting-for-a-load',
		sql: `
		-- The server's writes to an entry of a document that was not in memory (an account's own
		-- document, written for every change to its memberships), applied in the commit of its next
		-- load (server/sync/registry.ts). One row per entry: a later write replaces an earlier one.
		CREATE TABLE doc_waiting_writes (
			doc TEXT NOT NULL,
			root TEXT NOT NULL,
			key TEXT NOT NULL,
			-- The entry's value as JSON; null deletes the entry.
			value TEXT,
			-- When the write is worth nothing any more (a notice the console no longer shows); one
			-- still waiting then is dropped. Null: never.
			expires_at INTEGER,
			PRIMARY KEY (doc, root, key)
		) STRICT, WITHOUT ROWID;`
	}
];
