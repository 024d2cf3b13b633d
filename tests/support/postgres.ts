/**
 * A PostgreSQL schema of its own for a test file, on the server `npm test` made sure answers
 * (scripts/test-prerequisites.ts): DATABASE_URL, or the local one at 127.0.0.1:5432, database
 * test. Each file migrates a new schema and drops it at the end, so that files run side by side.
 */
import { randomBytes } from 'node:crypto';
import { migratePostgres, openPostgres, type PgPool } from '../../server/db/postgres';
import { MIGRATIONS } from '../../server/schema';

/** The password is the one scripts/test-prerequisites.ts gives a cluster it starts; trust ignores it. */
export const POSTGRES_URL =
	process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test';

export interface TestPostgres {
	pool: PgPool;
	schema: string;
	/** Another pool on the same schema: a second server process. */
	openPool(): PgPool;
	drop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
	const schema = `test_${randomBytes(6).toString('hex')}`;
	const pools: PgPool[] = [];
	const openPool = () => {
		const pool = openPostgres(POSTGRES_URL, { schema });
		pools.push(pool);
		return pool;
	};
	const pool = openPool();
	await migratePostgres(pool, MIGRATIONS);
	return {
		pool,
		schema,
		openPool,
		async drop() {
			await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
			await Promise.all(pools.map((each) => each.end()));
		}
	};
}
