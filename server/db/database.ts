/**
 * The embedded SQLite database (better-sqlite3, WAL). Every statement is synchronous, which is
 * what lets the sync server validate, persist and broadcast a change in one step with no await.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * A statement prepared once per database, for a function that is handed the database on each call
 * and runs for every change (an account looked up, a mail queued): preparing parses and plans the
 * SQL, which costs several times what running a simple statement does. `shape` sets the
 * statement's mode (`pluck`) once, so that no other caller changes it.
 */
export function preparedOnce<S extends Database.Statement = Database.Statement>(
	sql: string,
	shape: (statement: Database.Statement) => S = (statement) => statement as S
): (db: Db) => S {
	const statements = new WeakMap<Db, S>();
	return (db) => {
		let statement = statements.get(db);
		if (!statement) {
			statement = shape(db.prepare(sql));
			statements.set(db, statement);
		}
		return statement;
	};
}

/** One step of the schema, applied once; the list is assembled above this layer (server/schema.ts). */
export interface Migration {
	/** Unique and stable: "<module>-<number>-<what>". */
	id: string;
	/** The step in SQLite's dialect, the embedded default. */
	sql: string;
	/**
	 * The same step in PostgreSQL's dialect (server/db/postgres.ts), for the rooms whose tables a
	 * scaled-out server keeps there; a room not moved yet has none.
	 */
	postgres?: string;
}

/**
 * The page size of a new database. An accepted change writes small rows into a dozen B-trees (its
 * update, its audit row and their indexes, the membership and access indexes, the mail), and the
 * WAL takes, and a checkpoint then copies, every page it touched whole: 1 KiB pages (SQLite's
 * default until 3.12) wrote 32 KiB per change where 4 KiB pages wrote 83 (the 50-client workload of
 * bench:sync). The one large value, a document's snapshot, is then read and written in more,
 * smaller pages: the cold load of a 50,000-member project measured the same with either size.
 */
const PAGE_SIZE = 1024;

/**
 * How large the WAL grows before a checkpoint copies its pages into the database: 16 MiB, four
 * times SQLite's default of 1000 pages of 4 KiB. A change's random pages (a membership, an access
 * path, a person's audit index, a user document's log) are each written once per checkpoint, and
 * each dirties a 4 KiB page of the operating system's cache whatever the page size: the longer
 * between checkpoints, the more changes share those writes. Measured with the 50-client workload
 * of bench:sync over 1,000 changes, this took the bytes written per change from 46 to 32 KiB.
 * SQLite reuses the WAL file rather than shrink it: a commit larger than this (a large document's
 * compaction, the backfill after an upgrade) would leave it that large for as long as the server
 * runs, so the file is cut back to this size when the WAL next begins again after a checkpoint.
 */
const WAL_BYTES_BEFORE_CHECKPOINT = 16 * 2 ** 20;

/** Opens (creating if needed) the database at `path`, or an in-memory one for ':memory:'. */
export function openDatabase(path: string, migrations: readonly Migration[]): Db {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const db = new Database(path);
	// Before WAL mode, which writes the header of a new file; an existing database keeps its own.
	db.pragma(`page_size = ${PAGE_SIZE}`);
	db.pragma('journal_mode = WAL');
	// NORMAL in WAL mode survives a crash of the process (SIGKILL); only a power loss can take the
	// last transactions, and FULL would cost an fsync on every change.
	db.pragma('synchronous = NORMAL');
	const pageSize = db.pragma('page_size', { simple: true }) as number;
	db.pragma(`wal_autocheckpoint = ${Math.round(WAL_BYTES_BEFORE_CHECKPOINT / pageSize)}`);
	db.pragma(`journal_size_limit = ${WAL_BYTES_BEFORE_CHECKPOINT}`);
	db.pragma('foreign_keys = ON');
	db.pragma('busy_timeout = 5000');
	migrate(db, migrations);
	return db;
}

/**
 * Applies, in list order, the migrations this database has not recorded yet, each in its own
 * transaction. Migrations are named rather than numbered so that modules can add theirs
 * independently.
 */
export function migrate(db: Db, migrations: readonly Migration[]): void {
	db.exec(
		'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)'
	);
	const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
	const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
	for (const migration of migrations) {
		if (applied.has(migration.id)) continue;
		db.transaction(() => {
			db.exec(migration.sql);
			record.run(migration.id, Date.now());
		})();
	}
}
