/**
 * Ownership of documents between server processes sharing one PostgreSQL (docs/scale-out.md):
 * one process at a time judges a document's changes, the holder of its lease. A lease lasts
 * `lengthMs` unless renewed; once it has expired any process may take the document over, and the
 * lease's token then grows by one. The token is the fencing token: every row of the document's
 * log is written with it, and PostgreSQL refuses a row written under an older one (migration
 * sync-004), so an owner that was paused past its lease or cut off can never write after another
 * took over. Time is the database's, not the processes': their clocks need not agree.
 */
import type { PgPool } from '../db/postgres';

/** The lease a process holds on a document. */
export interface Lease {
	doc: string;
	/** The fencing token to write the document's rows with. */
	token: number;
}

export interface LeaseHolder {
	holder: string;
	token: number;
	expiresAt: Date;
}

export class DocumentLeases {
	/**
	 * `holder` names this process, and must be unique to it for as long as any lease it took
	 * could still be unexpired: a process that restarts takes a new name.
	 */
	constructor(
		private readonly pool: PgPool,
		readonly holder: string,
		readonly lengthMs: number
	) {}

	/**
	 * Takes the document's lease anew: null when another process holds it and it has not expired.
	 * The token it gives is one no one has written with, even when this process held the lease
	 * before: whatever it still had under way under an earlier lease is refused. A lease held is
	 * continued with `renew`, not taken again.
	 */
	async acquire(doc: string): Promise<Lease | null> {
		const { rows } = await this.pool.query<{ token: string }>(
			`INSERT INTO doc_leases (doc, holder, token, expires_at)
			 VALUES ($1, $2, 1, now() + make_interval(secs => $3::double precision / 1000))
			 ON CONFLICT (doc) DO UPDATE SET
				holder = excluded.holder,
				token = doc_leases.token + 1,
				expires_at = excluded.expires_at
			 WHERE doc_leases.holder = excluded.holder OR doc_leases.expires_at <= now()
			 RETURNING token`,
			[doc, this.holder, this.lengthMs]
		);
		const [row] = rows;
		return row ? { doc, token: Number(row.token) } : null;
	}

	/**
	 * Extends a lease this process still holds under `lease.token`; false once it has lost it, to
	 * another process or to time (an expired lease is taken anew, with `acquire`).
	 */
	async renew(lease: Lease): Promise<boolean> {
		const { rowCount } = await this.pool.query(
			`UPDATE doc_leases SET expires_at = now() + make_interval(secs => $4::double precision / 1000)
			 WHERE doc = $1 AND holder = $2 AND token = $3 AND expires_at > now()`,
			[lease.doc, this.holder, lease.token, this.lengthMs]
		);
		return rowCount === 1;
	}

	/**
	 * Lets the document go at once (a process shutting down), so that another need not wait for
	 * the lease to expire. The row stays, expired, so that its token is never given again.
	 */
	async release(lease: Lease): Promise<void> {
		await this.pool.query(
			`UPDATE doc_leases SET expires_at = now() WHERE doc = $1 AND holder = $2 AND token = $3`,
			[lease.doc, this.holder, lease.token]
		);
	}

	/** Who holds the document's lease, if anyone does now. */
	async holderOf(doc: string): Promise<LeaseHolder | null> {
		const { rows } = await this.pool.query<{ holder: string; token: string; expiresAt: Date }>(
			`SELECT holder, token, expires_at AS "expiresAt" FROM doc_leases
			 WHERE doc = $1 AND expires_at > now()`,
			[doc]
		);
		const [row] = rows;
		return row ? { ...row, token: Number(row.token) } : null;
	}
}
