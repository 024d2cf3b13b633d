/**
 * The database files an operator sees in DATA_DIR (docs/operations.md, "The database"): a new
 * database has 1 KiB pages and one an older version made keeps its own; the WAL beside it is
 * checkpointed once it holds 16 MiB, and a commit larger than that (a large document compacted,
 * the backfill after an upgrade) leaves it no larger than 16 MiB once the next commit begins it
 * again, instead of at the size of the largest commit ever made, for as long as the server runs.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database';

const WAL_BYTES = 16 * 2 ** 20;
let dataDir: string;

beforeEach(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'console-files-'));
});

afterEach(() => {
	rmSync(dataDir, { recursive: true, force: true });
});

describe('the database file', () => {
	it('has 1 KiB pages when new, and keeps the 4 KiB pages of one an older version made', () => {
		const fresh = openDatabase(join(dataDir, 'new.sqlite'), []);
		expect(fresh.pragma('page_size', { simple: true })).toBe(1024);
		fresh.close();

		const olderPath = join(dataDir, 'older.sqlite');
		const older = new Database(olderPath);
		older.pragma('journal_mode = WAL');
		older.exec('CREATE TABLE kept (x)');
		older.close();
		const reopened = openDatabase(olderPath, []);
		expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
		expect(reopened.prepare('SELECT count(*) FROM kept').pluck().get()).toBe(0);
		reopened.close();
	});
});

describe('the WAL file', () => {
	it('is back to 16 MiB at most after a commit larger than that', () => {
		const path = join(dataDir, 'console.sqlite');
		const db = openDatabase(path, []);
		db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
		const insert = db.prepare('INSERT INTO rows (data) VALUES (?)');
		const row = Buffer.alloc(8000, 1);
		db.transaction(() => {
			for (let bytes = 0; bytes < WAL_BYTES * 1.25; bytes += row.byteLength) insert.run(row);
		})();
		expect(statSync(`${path}-wal`).size).toBeGreaterThan(WAL_BYTES);

		insert.run(row);
		expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(WAL_BYTES);
		db.close();
	});
});
