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
		-- An update's place in its document's log (id) is drawn when it is written, under the
		-- document's lease (migration sync-004), not from a sequence shared by every document: a
		-- sequence's number is drawn before the row waits for a lock, so ids would not follow
		-- the order of commits.
		CREATE TABLE doc_updates (
			doc TEXT NOT NULL,
			id BIGINT NOT NULL,
			data BYTEA NOT NULL,
			PRIMARY KEY (doc, id)
		);
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
		-- The token grows by one each time a process takes a document (anew), and is never reused:
		-- a lease let go keeps its row, expired, and rows are never deleted. last_seq counts the
		-- updates ever appended to the document: its log's places (server/sync/postgres-log.ts).
		CREATE TABLE doc_leases (
			doc TEXT PRIMARY KEY,
			holder TEXT NOT NULL,
			token BIGINT NOT NULL,
			expires_at TIMESTAMPTZ NOT NULL,
			last_seq BIGINT NOT NULL DEFAULT 0
		);
		-- The token of the lease every row was written under: the fencing token.
		ALTER TABLE doc_updates ADD COLUMN fence BIGINT NOT NULL;
		ALTER TABLE doc_clients ADD COLUMN fence BIGINT NOT NULL;

		-- PostgreSQL itself refuses a row written under any token but the document's current one,
		-- so that an owner that was paused or cut off while another took over can never write
		-- again, whatever path its write takes. The lease row is locked until the writing
		-- transaction ends: a takeover (an UPDATE of that row) waits for it, and a write that
		-- waited for a takeover reads the new token and is refused.
		--
		-- An append (no id given) takes the next place in the log in the same UPDATE, so appends
		-- to one document commit one at a time, in the order of their ids. A place is 65,536
		-- apart from the next: a compaction through place P writes its snapshot's chunks at the
		-- places just below P, after every place before P (postgres-log.ts).
		-- Whether the document's lease is held under the token; locks the lease row until the
		-- transaction ends. Raises FENCE when it is not.
		CREATE FUNCTION doc_lease_must_be(p_doc TEXT, p_token BIGINT) RETURNS void LANGUAGE plpgsql
		SET search_path FROM CURRENT AS $$
		BEGIN
			IF NOT EXISTS (
				SELECT FROM doc_leases WHERE doc = p_doc AND token = p_token FOR SHARE
			) THEN
				RAISE EXCEPTION 'document % is not owned under token %', p_doc, p_token
					USING ERRCODE = 'FENCE';
			END IF;
		END $$;

		CREATE FUNCTION doc_update_is_fenced() RETURNS trigger LANGUAGE plpgsql
		SET search_path FROM CURRENT AS $$
		DECLARE
			seq BIGINT;
		BEGIN
			IF NEW.id IS NOT NULL THEN
				PERFORM doc_lease_must_be(NEW.doc, NEW.fence);
				RETURN NEW;
			END IF;
			UPDATE doc_leases SET last_seq = last_seq + 1
				WHERE doc = NEW.doc AND token = NEW.fence RETURNING last_seq INTO seq;
			IF seq IS NULL THEN
				RAISE EXCEPTION 'document % is not owned under token %', NEW.doc, NEW.fence
					USING ERRCODE = 'FENCE';
			END IF;
			NEW.id := seq * 65536;
			RETURN NEW;
		END $$;
		CREATE TRIGGER doc_updates_fenced BEFORE INSERT ON doc_updates
			FOR EACH ROW EXECUTE FUNCTION doc_update_is_fenced();

		CREATE FUNCTION doc_client_is_fenced() RETURNS trigger LANGUAGE plpgsql
		SET search_path FROM CURRENT AS $$
		BEGIN
			PERFORM doc_lease_must_be(NEW.doc, NEW.fence);
			RETURN NEW;
		END $$;
		CREATE TRIGGER doc_clients_fenced BEFORE INSERT ON doc_clients
			FOR EACH ROW EXECUTE FUNCTION doc_client_is_fenced();

		-- Rows are changed or deleted only by a compaction, which names the token it holds for its
		-- transaction (SET LOCAL console.fence); any other change or delete is refused the same way.
		CREATE FUNCTION doc_change_is_fenced() RETURNS trigger LANGUAGE plpgsql
		SET search_path FROM CURRENT AS $$
		BEGIN
			PERFORM doc_lease_must_be(
				OLD.doc, nullif(current_setting('console.fence', true), '')::bigint
			);
			RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
		END $$;
		CREATE TRIGGER doc_updates_changes_fenced BEFORE UPDATE OR DELETE ON doc_updates
			FOR EACH ROW EXECUTE FUNCTION doc_change_is_fenced();
		CREATE TRIGGER doc_clients_changes_fenced BEFORE UPDATE OR DELETE ON doc_clients
			FOR EACH ROW EXECUTE FUNCTION doc_change_is_fenced();

		-- Replaces a document's log up to place p_through (an appended update's) with the chunks of
		-- a snapshot, in one statement, so that no owner paused halfway holds the lease row locked.
		-- The chunks go at the places just below p_through, which no row ever held, and a reader
		-- before p_through reads them all. Places below a snapshot's end have been held, by its
		-- chunks: a snapshot that replaces one ending at p_through takes a new place, after it,
		-- when nothing came after it; when something did, it is skipped (NULL), and the next
		-- compaction, through a later update, does its work. Returns where the snapshot ends.
		CREATE FUNCTION compact_document(
			p_doc TEXT, p_token BIGINT, p_through BIGINT, p_chunks BYTEA[], p_marks TEXT[]
		) RETURNS BIGINT LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
		DECLARE
			current_token BIGINT;
			seq BIGINT;
			ends BIGINT := p_through;
			chunks INT := coalesce(array_length(p_chunks, 1), 0);
		BEGIN
			SELECT token, last_seq INTO current_token, seq FROM doc_leases WHERE doc = p_doc FOR UPDATE;
			IF current_token IS NULL OR current_token <> p_token THEN
				RAISE EXCEPTION 'document % is not owned under token %', p_doc, p_token
					USING ERRCODE = 'FENCE';
			END IF;
			IF p_through <= 0 OR p_through % 65536 <> 0 OR p_through > seq * 65536 THEN
				RAISE EXCEPTION 'a compaction of % ends at an appended update, not at %', p_doc, p_through
					USING ERRCODE = '22023';
			END IF;
			IF chunks = 0 OR chunks >= 65536 THEN
				RAISE EXCEPTION 'a snapshot of % chunks has no place below %', chunks, p_through
					USING ERRCODE = '22023';
			END IF;
			IF EXISTS (SELECT FROM doc_updates
				WHERE doc = p_doc AND id > p_through - 65536 AND id < p_through) THEN
				IF EXISTS (SELECT FROM doc_updates WHERE doc = p_doc AND id > p_through) THEN
					RETURN NULL;
				END IF;
				UPDATE doc_leases SET last_seq = last_seq + 1 WHERE doc = p_doc
					RETURNING last_seq * 65536 INTO ends;
			END IF;
			PERFORM set_config('console.fence', p_token::text, true);
			DELETE FROM doc_updates WHERE doc = p_doc AND id <= p_through;
			INSERT INTO doc_updates (doc, id, data, trust_mark, fence)
				SELECT p_doc, ends - chunks + position, data, p_marks[position], p_token
				FROM unnest(p_chunks) WITH ORDINALITY AS chunk (data, position);
			RETURN ends;
		END $$;`
	}
];
