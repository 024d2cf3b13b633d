/**
 * The embedded SQLite database (better-sqlite3, WAL). Every statement is synchronous, which is
 * what lets the sync server validate, persist and broadcast a change in one step with no await.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/** Opens (creating if needed) the database at `path`, or an in-memory one for ':memory:'. */
export function openDatabase(path: string): Db {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const db = new Database(path);
	db.pragma('journal_mode = WAL');
	// NORMAL in WAL mode survives a crash of the process (SIGKILL); only a power loss can take the
	// last transactions, and FULL would cost an fsync on every change.
	db.pragma('synchronous = NORMAL');
	db.pragma('foreign_keys = ON');
	db.pragma('busy_timeout = 5000');
	migrate(db);
	return db;
}

/** Applies the migrations this database has not seen yet, each in its own transaction. */
export function migrate(db: Db): void {
	const current = db.pragma('user_version', { simple: true }) as number;
	for (const [index, sql] of MIGRATIONS.entries()) {
		const version = index + 1;
		if (version <= current) continue;
		db.transaction(() => {
			db.exec(sql);
			db.pragma(`user_version = ${version}`);
		})();
	}
}
