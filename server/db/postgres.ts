/**
 * PostgreSQL, the database of a scaled-out console (several server processes, docs/scale-out.md):
 * a pool of connections (the `pg` driver) and the same named migrations as the embedded SQLite
 * database, in PostgreSQL's dialect. Unlike better-sqlite3, every statement is asynchronous.
 */
import pg from 'pg';
import type { Migration } from './database';

export type PgPool = pg.Pool;

export interface PostgresOptions {
	/**
	 * The schema the console's tables live in, created if missing (default: the connection's own
	 * search path, usually `public`). Tests give each file its own.
	 */
	schema?: string;
	/** How many connections the pool opens at most. */
	maxConnections?: number;
}

/** Opens a pool on `url` (`postgres://user:password@host:port/database`). */
export function openPostgres(url: string, options: PostgresOptions = {}): PgPool {
	const { schema, maxConnections = 10 } = options;
	if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
		throw new Error(`A schema name is lower-case letters, digits and underscores: ${schema}`);
	return new pg.Pool({
		connectionString: url,
		max: maxConnections,
		// The search path is set as each connection opens, so that no statement names the schema.
		...(schema === undefined ? {} : { options: `-c search_path=${schema}` })
	});
}

/** The lock every process starting at once takes before it migrates: one migrates, the others wait. */
const MIGRATION_LOCK = 0x636f6e73; // "cons"

/**
 * Applies, in list order, the migrations with a PostgreSQL step this database has not recorded
 * yet, each in its own transaction, and creates the schema of the pool's search path if it is
 * missing. Several processes may start together: a transaction-scoped advisory lock makes them
 * take turns, and each sees what the one before recorded. Returns the ids it applied.
 */
export async function migratePostgres(
	pool: PgPool,
	migrations: readonly Migration[]
): Promise<string[]> {
	const client = await pool.connect();
	const applied: string[] = [];
	try {
		const { rows } = await client.query<{ schema: string }>(
			`SELECT split_part(current_setting('search_path'), ',', 1) AS schema`
		);
		const schema = (rows[0]?.schema ?? 'public').trim().replace(/^"(.*)"$/, '$1');
		await inTurn(client, async () => {
			// Only when missing: CREATE SCHEMA IF NOT EXISTS asks for the right to create schemas in
			// the database even when there is nothing to create, which a least-privileged role, given
			// a schema of its own by the operator, does not have.
			const exists = await client.query('SELECT to_regnamespace($1) IS NOT NULL AS found', [
				client.escapeIdentifier(schema)
			]);
			if (schema !== '$user' && !exists.rows[0]?.found)
				await client.query(`CREATE SCHEMA ${client.escapeIdentifier(schema)}`);
			await client.query(
				'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)'
			);
		});
		for (const migration of migrations) {
			if (migration.postgres === undefined) continue;
			try {
				await inTurn(client, async () => {
					const done = await client.query('SELECT 1 FROM schema_migrations WHERE id = $1', [
						migration.id
					]);
					if (done.rowCount !== 0) return;
					await client.query(migration.postgres as string);
					await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [
						migration.id,
						Date.now()
					]);
					applied.push(migration.id);
				});
			} catch (error) {
				throw new Error(`Migration ${migration.id} failed on PostgreSQL`, { cause: error });
			}
		}
	} finally {
		client.release();
	}
	return applied;
}

/** Runs `work` in a transaction that holds the migration lock: one process at a time. */
async function inTurn(client: pg.PoolClient, work: () => Promise<void>): Promise<void> {
	await client.query('BEGIN');
	try {
		await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
		await work();
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK');
		throw error;
	}
}
