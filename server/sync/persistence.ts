/**
 * Where documents live between restarts: an append-only log of updates per document, compacted
 * now and then into a snapshot of a few chunks (snapshot.ts), and the owner of every clientID that
 * ever wrote to it. Behind this interface so that a scale-out (PostgreSQL) is a change of adapter,
 * not of design. Every method is synchronous and durable on return, or, inside `atomically`,
 * durable when the outermost `atomically` returns: the sync server persists a change before it
 * broadcasts it. A log is read a slice at a time, so that a large document loads between other
 * work (document-load.ts).
 */
import type { Db } from '../db/database';
import type { Metrics } from '../observability/metrics';

/** The owner recorded for the server's own clientID. */
export const SERVER_OWNER = '#server';

/** One update of a document's log. */
export interface StoredUpdate {
	/** Its place in the log: a later update has a larger one. */
	id: number;
	data: Uint8Array;
	/** A snapshot chunk's trust mark (trust-mark.ts); null for an update appended as it came. */
	mark: string | null;
}

/** A server write to one entry of a document, kept until the document next loads. */
export interface WaitingWrite {
	root: string;
	key: string;
	/** The entry's new value (plain JSON); undefined deletes the entry. */
	value: unknown;
	/** When the write is worth nothing any more (a notice the console no longer shows); null: never. */
	expiresAt: number | null;
}

/** One chunk of a compacted snapshot, as `compact` stores it. */
export interface SnapshotChunk {
	data: Uint8Array;
	mark: string | null;
}

export interface DocumentStore {
	/**
	 * The updates of the log after the one numbered `afterId` (0: from the start), in order: as many
	 * as fit in `maxBytes`, and at least one; none past the end of the log.
	 */
	read(doc: string, afterId: number, maxBytes: number): StoredUpdate[];
	append(doc: string, update: Uint8Array): void;
	/** The number of the log's last update (0 for none). */
	lastUpdate(doc: string): number;
	/**
	 * Replaces the log up to update `through` with the chunks of a snapshot of the document's state,
	 * in order; the updates appended after `through` (while it was written) stay after it.
	 */
	compact(doc: string, chunks: readonly SnapshotChunk[], through: number): void;
	owners(doc: string): Map<number, string>;
	claim(doc: string, clientId: number, owner: string): void;
	/**
	 * Keeps writes to entries of a document that is not in memory until it next loads; a write to
	 * an entry replaces the one waiting for it. Writes that expire make those of the document that
	 * expired by `now` go.
	 */
	keepUntilLoaded(doc: string, writes: readonly WaitingWrite[], now: number): void;
	/**
	 * The writes waiting for the document, forgotten as part of the current unit of work; one whose
	 * value no longer reads as JSON is forgotten without being returned.
	 */
	takeWaitingWrites(doc: string): WaitingWrite[];
	/** How many writes wait for the document. */
	waitingWrites(doc: string): number;
	/**
	 * Runs `work` as one commit with everything written during it, by the store or by anything
	 * else sharing its database: an accepted message's update, the audit rows and indexes its
	 * listeners keep, the user documents it changes in turn. A call inside another joins it.
	 */
	atomically<T>(work: () => T): T;
	/** Runs `effect` once what was written so far is durable: at once outside `atomically`. */
	afterCommit(effect: () => void): void;
	/** Runs `undo` if the current `atomically` rolls back (nothing outside one). */
	onRollback(undo: () => void): void;
}

interface UnitOfWork {
	committed: Array<() => void>;
	rolledBack: Array<() => void>;
}

/**
 * One commit for a unit of work, and what waits on it: the effects run in order once it is
 * durable (a broadcast must never tell of a change the log could still lose), the undos if it
 * rolls back (a document that already holds the lost change in memory must reload).
 */
export function unitsOfWork(
	db: Db
): Pick<DocumentStore, 'atomically' | 'afterCommit' | 'onRollback'> {
	let current: UnitOfWork | null = null;
	const inTransaction = db.transaction((work: () => unknown) => work());
	return {
		atomically<T>(work: () => T): T {
			if (current) return work();
			const unit: UnitOfWork = { committed: [], rolledBack: [] };
			current = unit;
			let result: T;
			try {
				result = inTransaction(work) as T;
			} catch (error) {
				current = null;
				for (const undo of unit.rolledBack) undo();
				throw error;
			}
			current = null;
			for (const effect of unit.committed) effect();
			return result;
		},
		afterCommit(effect) {
			if (current) current.committed.push(effect);
			else effect();
		},
		onRollback(undo) {
			current?.rolledBack.push(undo);
		}
	};
}

export function sqliteDocumentStore(db: Db): DocumentStore {
	const selectLog = db.prepare(
		'SELECT id, data, trust_mark AS mark FROM doc_updates WHERE doc = ? AND id > ? ORDER BY id'
	);
	const insert = db.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)');
	const insertChunk = db.prepare(
		'INSERT INTO doc_updates (doc, data, trust_mark) VALUES (?, ?, ?)'
	);
	const deleteLog = db.prepare('DELETE FROM doc_updates WHERE doc = ?');
	const selectLast = db
		.prepare('SELECT coalesce(max(id), 0) FROM doc_updates WHERE doc = ?')
		.pluck();
	const selectOwners = db.prepare(
		'SELECT client_id AS clientId, owner FROM doc_clients WHERE doc = ?'
	);
	const insertOwner = db.prepare(
		'INSERT OR IGNORE INTO doc_clients (doc, client_id, owner) VALUES (?, ?, ?)'
	);
	const upsertWaiting = db.prepare(
		`INSERT INTO doc_waiting_writes (doc, root, key, value, expires_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (doc, root, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`
	);
	const deleteExpired = db.prepare(
		'DELETE FROM doc_waiting_writes WHERE doc = ? AND expires_at <= ?'
	);
	const selectWaiting = db.prepare(
		'SELECT root, key, value, expires_at AS expiresAt FROM doc_waiting_writes WHERE doc = ?'
	);
	const deleteWaiting = db.prepare('DELETE FROM doc_waiting_writes WHERE doc = ?');
	const countWaiting = db.prepare('SELECT count(*) FROM doc_waiting_writes WHERE doc = ?').pluck();
	const replaceLog = db.transaction(
		(doc: string, chunks: readonly SnapshotChunk[], through: number) => {
			const later = selectLog.all(doc, through) as SnapshotChunk[];
			deleteLog.run(doc);
			for (const chunk of [...chunks, ...later]) insertChunk.run(doc, chunk.data, chunk.mark);
		}
	);
	return {
		read(doc, afterId, maxBytes) {
			const updates: StoredUpdate[] = [];
			let bytes = 0;
			// Rows are fetched as the loop asks for them; leaving it closes the statement.
			for (const row of selectLog.iterate(doc, afterId) as Iterable<{
				id: number;
				data: Buffer;
				mark: string | null;
			}>) {
				const data = new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength);
				updates.push({ id: row.id, data, mark: row.mark });
				bytes += data.byteLength;
				if (bytes >= maxBytes) break;
			}
			return updates;
		},
		append: (doc, update) => void insert.run(doc, update),
		lastUpdate: (doc) => selectLast.get(doc) as number,
		compact: (doc, chunks, through) => replaceLog(doc, chunks, through),
		owners(doc) {
			const rows = selectOwners.all(doc) as Array<{ clientId: number; owner: string }>;
			return new Map(rows.map((row) => [row.clientId, row.owner]));
		},
		claim: (doc, clientId, owner) => void insertOwner.run(doc, clientId, owner),
		keepUntilLoaded(doc, writes, now) {
			// Only writes that expire leave rows to drop, so only they need to look for any.
			if (writes.some((write) => write.expiresAt !== null)) deleteExpired.run(doc, now);
			for (const { root, key, value, expiresAt } of writes)
				upsertWaiting.run(
					doc,
					root,
					key,
					value === undefined ? null : JSON.stringify(value),
					expiresAt
				);
		},
		takeWaitingWrites(doc) {
			const rows = selectWaiting.all(doc) as Array<{
				root: string;
				key: string;
				value: string | null;
				expiresAt: number | null;
			}>;
			if (rows.length > 0) deleteWaiting.run(doc);
			return rows.flatMap((row) => {
				if (row.value === null) return [{ ...row, value: undefined }];
				try {
					return [{ ...row, value: JSON.parse(row.value) as unknown }];
				} catch {
					return [];
				}
			});
		},
		waitingWrites: (doc) => countWaiting.get(doc) as number,
		...unitsOfWork(db)
	};
}

/**
 * The store, with the time each read (a slice of a log being loaded), append and compaction takes
 * reported to the metrics.
 */
export function measuredDocumentStore(store: DocumentStore, metrics: Metrics): DocumentStore {
	return {
		read(doc, afterId, maxBytes) {
			const started = performance.now();
			const updates = store.read(doc, afterId, maxBytes);
			metrics.stored('load', (performance.now() - started) / 1000);
			return updates;
		},
		append(doc, update) {
			const started = performance.now();
			store.append(doc, update);
			metrics.stored('append', (performance.now() - started) / 1000);
		},
		lastUpdate: (doc) => store.lastUpdate(doc),
		compact(doc, chunks, through) {
			const started = performance.now();
			store.compact(doc, chunks, through);
			metrics.stored('compact', (performance.now() - started) / 1000);
		},
		owners: (doc) => store.owners(doc),
		claim: (doc, clientId, owner) => store.claim(doc, clientId, owner),
		keepUntilLoaded: (doc, writes, now) => store.keepUntilLoaded(doc, writes, now),
		takeWaitingWrites: (doc) => store.takeWaitingWrites(doc),
		waitingWrites: (doc) => store.waitingWrites(doc),
		atomically: (work) => store.atomically(work),
		afterCommit: (effect) => store.afterCommit(effect),
		onRollback: (undo) => store.onRollback(undo)
	};
}
