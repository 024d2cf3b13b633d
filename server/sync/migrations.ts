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
	}
];
