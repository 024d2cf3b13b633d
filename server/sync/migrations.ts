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
		) WITHOUT ROWID;`,
		postgres: `
		CREATE TABLE doc_updates (
			id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			doc TEXT NOT NULL,
			data BYTEA NOT NULL
		);
		CREATE INDEX doc_updates_by_doc ON doc_updates(doc, id);
		CREATE TABLE doc_clients (
			doc TEXT NOT NULL,
			client_id BIGINT NOT NULL,
			owner TEXT NOT NULL,
			PRIMARY KEY (doc, client_id)
		);`
	},
	{
		id: 'sync-002-trusted-snapshots',
		sql: `
		-- The mark of a snapshot chunk the server compacted from entries it had validated
		-- (server/sync/trust-mark.ts); null for an update appended as it came, or an earlier
		-- version's snapshot: those are read entry by entry when the document loads.
		ALTER TABLE doc_updates ADD COLUMN trust_mark TEXT;`,
		postgres: `ALTER TABLE doc_updates ADD COLUMN trust_mark TEXT;`
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
		) STRICT, WITHOUT ROWID;`,
		postgres: `
		CREATE TABLE doc_waiting_writes (
			doc TEXT NOT NULL,
			root TEXT NOT NULL,
			key TEXT NOT NULL,
			value TEXT,
			expires_at BIGINT,
			PRIMARY KEY (doc, root, key)
		);`
	},
	{
		id: 'sync-004-ownership-leases',
		// One process owns every document of an embedded database: SQLite has nothing to fence.
		sql: '',
		postgres: `
		-- Which server process judges each document's changes, until when (server/sync/leases.ts).
		-- The token grows by one each time another process takes a document over, and is never
		-- reused: a lease let go keeps its row, expired.
		CREATE TABLE doc_leases (
			doc TEXT PRIMARY KEY,
			holder TEXT NOT NULL,
			token BIGINT NOT NULL,
			expires_at TIMESTAMPTZ NOT NULL
		);
		-- The token of the lease every row was written under: the fencing token.
		ALTER TABLE doc_updates ADD COLUMN fence BIGINT;
		ALTER TABLE doc_clients ADD COLUMN fence BIGINT;
		-- PostgreSQL itself refuses a row written under any token but the document's current one,
		-- so that an owner that was paused or cut off while another took over can never write
		-- again, whatever path its write takes. FOR SHARE holds the lease row until the writing
		-- transaction ends: a takeover (an UPDATE of that row) waits for it, and a write that
		-- waited for a takeover reads the new token.
		CREATE FUNCTION doc_write_is_fenced() RETURNS trigger LANGUAGE plpgsql AS $$
		DECLARE
			current_token BIGINT;
		BEGIN
			SELECT token INTO current_token FROM doc_leases WHERE doc = NEW.doc FOR SHARE;
			IF current_token IS NULL OR NEW.fence IS DISTINCT FROM current_token THEN
				RAISE EXCEPTION 'document % is owned under token %, not %', NEW.doc, current_token, NEW.fence
					USING ERRCODE = 'FENCE';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER doc_updates_fenced BEFORE INSERT ON doc_updates
			FOR EACH ROW EXECUTE FUNCTION doc_write_is_fenced();
		CREATE TRIGGER doc_clients_fenced BEFORE INSERT ON doc_clients
			FOR EACH ROW EXECUTE FUNCTION doc_write_is_fenced();`
	}
];
