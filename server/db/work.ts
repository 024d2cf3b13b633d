/**
 * Units of work: SQL written once, run synchronously on the embedded SQLite database and
 * asynchronously on PostgreSQL (docs/scale-out.md, "One unit of work, two engines").
 *
 * A unit is a generator function that yields its statements and gets their results back:
 *
 *     function* consumeToken(hash: Uint8Array, now: number): Work<boolean> {
 *       const { changes } = yield* run(sql`UPDATE tokens SET consumed_at = ${now} WHERE ...`);
 *       return changes === 1;
 *     }
 *
 * SQLite runs it to its end in one synchronous call (`performNow`), inside a transaction, with no
 * turn of the event loop between its statements: the sync server's validating step, which must
 * complete before any other message sees the document, stays one synchronous step. PostgreSQL
 * runs the very same unit in a transaction on a connection of its pool (`perform`), awaiting each
 * statement. Written with `async`/`await` instead, every unit would yield to the event loop on
 * SQLite too, and whatever ran meanwhile on the one connection would land inside its transaction.
 *
 * Statements are written with the `sql` tag: interpolated values become bound parameters (`?` for
 * SQLite, `$n` for PostgreSQL), never text. The SQL itself is the part both engines understand:
 * `INSERT ... ON CONFLICT`, `RETURNING`, `IS NULL`; times are integers (milliseconds), truth is
 * 0 or 1, bytes are BLOB or BYTEA.
 */
import type Database from 'better-sqlite3';
import pg from 'pg';
import type { Db } from './database';
import type { PgPool } from './postgres';

/** What a statement may be given: no booleans or dates, so both engines store the same thing. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** One statement: its text between the parameters, and the parameters' values. */
export interface Query {
	readonly parts: readonly string[];
	readonly values: readonly SqlValue[];
}

/**
 * A statement, its values bound as parameters: `sql\`SELECT * FROM t WHERE id = ${id}\``. An
 * array value stands for a list of parameters (`IN (${ids})`); an empty one for `NULL`, which
 * matches nothing.
 */
export function sql(
	strings: TemplateStringsArray,
	...values: Array<SqlValue | readonly SqlValue[]>
): Query {
	const parts = [strings[0]!];
	const flat: SqlValue[] = [];
	values.forEach((value, index) => {
		const after = strings[index + 1]!;
		if (!Array.isArray(value)) {
			flat.push(value as SqlValue);
			parts.push(after);
			return;
		}
		if (value.length === 0) {
			parts[parts.length - 1] += 'NULL' + after;
			return;
		}
		for (const [position, item] of value.entries()) {
			flat.push(item);
			parts.push(position === value.length - 1 ? after : ', ');
		}
	});
	return { parts, values: flat };
}

/** A row as a statement returns it: column name to value. */
export type Row = Record<string, unknown>;

/** What a step asks its engine for. */
export type Step =
	| { readonly kind: 'one'; readonly query: Query }
	| { readonly kind: 'all'; readonly query: Query }
	| { readonly kind: 'run'; readonly query: Query };

/** A unit of work that returns `T`: run it with `performNow` (SQLite) or `perform` (either). */
export type Work<T> = Generator<Step, T, unknown>;

/** The first row the statement returns, if any. */
export function* one<R extends Row>(query: Query): Work<R | undefined> {
	return (yield { kind: 'one', query }) as R | undefined;
}

/** Every row the statement returns. */
export function* all<R extends Row>(query: Query): Work<R[]> {
	return (yield { kind: 'all', query }) as R[];
}

/** Runs a statement that returns no rows; `changes`: how many rows it inserted, updated or deleted. */
export function* run(query: Query): Work<{ changes: number }> {
	return (yield { kind: 'run', query }) as { changes: number };
}

/** Where units of work run. */
export interface Engine {
	readonly name: 'sqlite' | 'postgres';
	/** Runs the unit in a transaction of its own: all of its statements take effect, or none. */
	perform<T>(work: Work<T>): Promise<T>;
}

/** The embedded SQLite database, on which a unit of work runs to its end in one call. */
export class SqliteEngine implements Engine {
	readonly name = 'sqlite';
	readonly #statements = new Map<string, Database.Statement>();
	readonly #inTransaction: <T>(work: Work<T>) => T;

	constructor(readonly db: Db) {
		this.#inTransaction = db.transaction((work: Work<unknown>) => this.#drive(work)) as <T>(
			work: Work<T>
		) => T;
	}

	/**
	 * Runs the unit at once, in a transaction; inside a transaction already open (a sync step's),
	 * as part of it, so that it is undone with it.
	 */
	performNow<T>(work: Work<T>): T {
		return this.db.inTransaction ? this.#drive(work) : this.#inTransaction(work);
	}

	perform<T>(work: Work<T>): Promise<T> {
		try {
			return Promise.resolve(this.performNow(work));
		} catch (error) {
			return Promise.reject(error as Error);
		}
	}

	#drive<T>(work: Work<T>): T {
		let next = work.next();
		while (!next.done) {
			let result: unknown;
			try {
				result = this.#execute(next.value);
			} catch (error) {
				abandon(work);
				throw error;
			}
			next = work.next(result);
		}
		return next.value;
	}

	#execute(step: Step): unknown {
		const statement = this.#prepared(step.query.parts.join('?'));
		const values = step.query.values;
		if (step.kind === 'one') return statement.get(...values) as Row | undefined;
		if (step.kind === 'all') return statement.all(...values) as Row[];
		return { changes: statement.run(...values).changes };
	}

	/** Statements are prepared once: preparing parses and plans, which costs more than most runs. */
	#prepared(text: string): Database.Statement {
		let statement = this.#statements.get(text);
		if (!statement) {
			if (this.#statements.size >= MAX_PREPARED) this.#statements.clear();
			statement = this.db.prepare(text);
			this.#statements.set(text, statement);
		}
		return statement;
	}
}

const ENGINES = new WeakMap<Db, SqliteEngine>();

/** The one engine of a SQLite database, which keeps its statements prepared. */
export function sqliteEngineOf(db: Db): SqliteEngine {
	let engine = ENGINES.get(db);
	if (!engine) {
		engine = new SqliteEngine(db);
		ENGINES.set(db, engine);
	}
	return engine;
}

/**
 * Runs a unit of work on the SQLite database at once (`SqliteEngine.performNow`): for the code not
 * yet handed an engine of either kind, which is synchronous, as the sync server's step is.
 */
export function performNow<T>(db: Db, work: Work<T>): T {
	return sqliteEngineOf(db).performNow(work);
}

/** Statements kept prepared per SQLite database; the units' texts are fixed, so far fewer. */
const MAX_PREPARED = 1000;

/** PostgreSQL, on which each unit of work runs in a transaction on a connection of the pool. */
export class PostgresEngine implements Engine {
	readonly name = 'postgres';

	constructor(readonly pool: PgPool) {}

	async perform<T>(work: Work<T>): Promise<T> {
		const client = await this.pool.connect();
		let broken: Error | undefined;
		try {
			await client.query('BEGIN');
			const value = await this.#drive(client, work);
			await client.query('COMMIT');
			return value;
		} catch (error) {
			await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
			throw error;
		} finally {
			// A connection that could not even roll back is not given to the next unit.
			client.release(broken);
		}
	}

	async #drive<T>(client: pg.PoolClient, work: Work<T>): Promise<T> {
		let next = work.next();
		while (!next.done) {
			let result: unknown;
			try {
				result = await execute(client, next.value);
			} catch (error) {
				abandon(work);
				throw error;
			}
			next = work.next(result);
		}
		return next.value;
	}
}

/**
 * A statement failed: the unit ends there, its `finally` blocks run, and the failure goes to its
 * caller, the transaction undone. It is never handed to the unit to catch and carry on, because
 * PostgreSQL refuses every statement after a failed one in a transaction, and the two engines must
 * mean the same: a conflict a unit expects is `ON CONFLICT` and a count of changes, not a catch.
 */
function abandon(work: Work<unknown>): void {
	work.return(undefined);
}

async function execute(client: pg.PoolClient, step: Step): Promise<unknown> {
	const text = step.query.parts.reduce((joined, part, index) => `${joined}$${index}${part}`);
	const values = step.query.values.map((value) =>
		value instanceof Uint8Array && !Buffer.isBuffer(value)
			? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
			: value
	);
	const result = await client.query<Row>({ text, values, types: ROW_TYPES });
	if (step.kind === 'one') return result.rows[0];
	if (step.kind === 'all') return result.rows;
	return { changes: result.rowCount ?? 0 };
}

/** pg's type id of BIGINT, the type of times and counts. */
const BIGINT = 20;

/**
 * BIGINT read as a number, as SQLite's INTEGER is (pg reads it as text, since it may exceed 2^53):
 * times in milliseconds and counts stay far below that, and one that did not is an error, not a
 * silently rounded value.
 */
const ROW_TYPES = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
		if (oid !== BIGINT) return pg.types.getTypeParser(oid, format);
		return (text: string) => {
			const value = Number(text);
			if (!Number.isSafeInteger(value)) throw new RangeError(`${text} is beyond a safe integer`);
			return value;
		};
	}) as typeof pg.types.getTypeParser
};
