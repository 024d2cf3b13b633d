/**
 * A document's log and its clients' owners in PostgreSQL, for a scaled-out console
 * (docs/scale-out.md): what `DocumentStore` (persistence.ts) keeps in SQLite, with the same
 * meaning, asynchronous, and written under the fencing token of the writer's lease (leases.ts).
 * A write under a token that is no longer the document's is refused by PostgreSQL itself
 * (`StaleOwnerError`); a read needs no lease.
 *
 * An update's id is its place in the log, and a reader that has read up to a place has everything
 * before it, for good: appends take their places one at a time, in the order they commit
 * (migration sync-004), and a compaction through place P writes its snapshot's chunks at the
 * places just below P, which no row ever held. A reader before P reads every chunk; one at P or
 * after reads none of them, and none of the updates after P again.
 */
import type { PgPool } from '../db/postgres';
import type { Lease } from './leases';
import type { SnapshotChunk, StoredUpdate } from './persistence';

/** The SQLSTATE the fencing triggers of migration sync-004 raise. */
const FENCED = 'FENCE';
/** How many rows a read fetches at most, whatever their size. */
const ROWS_PER_READ = 1024;

/** A write refused because another process took the document over since the lease was taken. */
export class StaleOwnerError extends Error {
	constructor(
		readonly doc: string,
		cause: unknown
	) {
		super(`Another process owns ${doc} now: this process's lease on it is stale`, { cause });
		this.name = 'StaleOwnerError';
	}
}

export class PostgresDocumentLog {
	constructor(private readonly pool: PgPool) {}

	/**
	 * The updates of the log after the one numbered `afterId` (0: from the start), in order: as many
	 * as fit in `maxBytes`, and at least one; none past the end of the log.
	 */
	async read(doc: string, afterId: number, maxBytes: number): Promise<StoredUpdate[]> {
		// Each row's running total of the bytes before it picks the slice without fetching past it;
		// octet_length reads a stored value's size without reading the value.
		const { rows } = await this.pool.query<{ id: string; data: Buffer; mark: string | null }>(
			`SELECT id, data, mark FROM (
				SELECT id, data, mark,
					sum(octet_length(data)) OVER (ORDER BY id) - octet_length(data) AS before
				FROM (
					SELECT id, data, trust_mark AS mark FROM doc_updates
					WHERE doc = $1 AND id > $2 ORDER BY id LIMIT $4
				) AS next_rows
			 ) AS log WHERE before < $3 OR before = 0 ORDER BY id`,
			[doc, afterId, maxBytes, ROWS_PER_READ]
		);
		return rows.map((row) => ({ id: Number(row.id), data: bytesOf(row.data), mark: row.mark }));
	}

	/** Appends an update under the lease; returns its number in the log. */
	async append(lease: Lease, update: Uint8Array): Promise<number> {
		const { rows } = await fenced(lease, () =>
			this.pool.query<{ id: string }>(
				'INSERT INTO doc_updates (doc, data, fence) VALUES ($1, $2, $3) RETURNING id',
				[lease.doc, update, lease.token]
			)
		);
		return Number(onlyRow(rows).id);
	}

	/**
	 * Appends updates in order, in one commit, under the lease; returns their ids, in the same
	 * order. All or none: a refused lease refuses every one. The appends to one document commit
	 * one at a time (each waits for the lease row), so an owner with several changes waiting to be
	 * stored writes them in one commit rather than wait for each (docs/performance.md).
	 */
	async appendAll(lease: Lease, updates: readonly Uint8Array[]): Promise<number[]> {
		if (updates.length === 0) return [];
		const { rows } = await fenced(lease, () =>
			this.pool.query<{ id: string }>(
				`INSERT INTO doc_updates (doc, data, fence)
				 SELECT $1, data, $3 FROM unnest($2::bytea[]) WITH ORDINALITY AS given (data, position)
				 ORDER BY position
				 RETURNING id`,
				[lease.doc, updates.map(bufferOf), lease.token]
			)
		);
		// Places are taken in the order the rows are written, which is the order given.
		return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
	}

	/** The number of the log's last update (0 for none). */
	async lastUpdate(doc: string): Promise<number> {
		const { rows } = await this.pool.query<{ last: string }>(
			'SELECT coalesce(max(id), 0) AS last FROM doc_updates WHERE doc = $1',
			[doc]
		);
		return Number(onlyRow(rows).last);
	}

	/**
	 * Replaces the log up to update `through` (an appended update's id) with the chunks of a
	 * snapshot, in order, under the lease; the updates appended after `through` stay after it, where
	 * they were. One statement (migration sync-004's `compact_document`): a reader sees the log
	 * before or after. Returns where the snapshot ends: `through`, or a new place after it when
	 * the log up to `through` was a snapshot already; null when it was, and updates came after it
	 * (a later compaction does the work).
	 */
	async compact(
		lease: Lease,
		chunks: readonly SnapshotChunk[],
		through: number
	): Promise<number | null> {
		const { rows } = await fenced(lease, () =>
			this.pool.query<{ ends: string | null }>(
				'SELECT compact_document($1, $2, $3, $4::bytea[], $5::text[]) AS ends',
				[
					lease.doc,
					lease.token,
					through,
					chunks.map((chunk) => bufferOf(chunk.data)),
					chunks.map((chunk) => chunk.mark)
				]
			)
		);
		const { ends } = onlyRow(rows);
		return ends === null ? null : Number(ends);
	}

	/** Which account (or the server) writes with each clientID of the document. */
	async owners(doc: string): Promise<Map<number, string>> {
		const { rows } = await this.pool.query<{ clientId: string; owner: string }>(
			'SELECT client_id AS "clientId", owner FROM doc_clients WHERE doc = $1',
			[doc]
		);
		return new Map(rows.map((row) => [Number(row.clientId), row.owner]));
	}

	/** Records the owner of a clientID, under the lease; the first owner recorded stays. */
	async claim(lease: Lease, clientId: number, owner: string): Promise<void> {
		await fenced(lease, () =>
			this.pool.query(
				`INSERT INTO doc_clients (doc, client_id, owner, fence) VALUES ($1, $2, $3, $4)
				 ON CONFLICT (doc, client_id) DO NOTHING`,
				[lease.doc, clientId, owner, lease.token]
			)
		);
	}
}

/** Runs a write, telling a refusal by the fencing trigger from any other failure. */
async function fenced<T>(lease: Lease, write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (error) {
		if ((error as { code?: string }).code === FENCED) throw new StaleOwnerError(lease.doc, error);
		throw error;
	}
}

/** The one row a statement that always returns one returned. */
function onlyRow<T>(rows: readonly T[]): T {
	const [row] = rows;
	if (row === undefined) throw new Error('The statement returned no row');
	return row;
}

/** The driver sends a Buffer as bytea, also inside an array. */
function bufferOf(bytes: Uint8Array): Buffer {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function bytesOf(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
