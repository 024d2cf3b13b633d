/**
 * Units of work (server/db/work.ts) mean the same on SQLite and on PostgreSQL: one contract, run
 * against both real engines, with a generative test against a model. And on SQLite a unit runs to
 * its end in one synchronous call, which the sync server's validating step relies on.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	PostgresEngine,
	SqliteEngine,
	all,
	one,
	run,
	sql,
	type Engine,
	type Work
} from '../../server/db/work';
import { startPostgres, type TestPostgres } from '../support/postgres';

/** `FUZZ_RUNS=500 npx vitest run tests/server/units-of-work.test.ts` for a longer run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

interface Thing extends Record<string, unknown> {
	id: string;
	n: number;
	bytes: Buffer | null;
}

/** The same table in each engine's dialect: what a migration's two steps look like. */
const THINGS = {
	sqlite: `CREATE TABLE things (id TEXT PRIMARY KEY, n INTEGER NOT NULL, bytes BLOB) STRICT`,
	postgres: `CREATE TABLE things (id TEXT PRIMARY KEY, n BIGINT NOT NULL, bytes BYTEA)`
};

let postgres: TestPostgres;
const engines: Array<{ name: string; engine: () => Engine; reset: () => Promise<void> }> = [];

beforeAll(async () => {
	postgres = await startPostgres();
	await postgres.pool.query(THINGS.postgres);
	const db = new Database(':memory:');
	db.exec(THINGS.sqlite);
	const sqlite = new SqliteEngine(db);
	const pg = new PostgresEngine(postgres.pool);
	engines.push(
		{ name: 'sqlite', engine: () => sqlite, reset: async () => void db.exec('DELETE FROM things') },
		{
			name: 'postgres',
			engine: () => pg,
			reset: async () => void (await postgres.pool.query('DELETE FROM things'))
		}
	);
});

afterAll(async () => {
	await postgres?.drop();
});

function* insert(id: string, n: number, bytes: Uint8Array | null = null): Work<number> {
	const { changes } = yield* run(
		sql`INSERT INTO things (id, n, bytes) VALUES (${id}, ${n}, ${bytes}) ON CONFLICT (id) DO NOTHING`
	);
	return changes;
}

function* everything(): Work<Thing[]> {
	return yield* all<Thing>(sql`SELECT id, n, bytes FROM things ORDER BY id`);
}

describe.each(['sqlite', 'postgres'])('a unit of work on %s', (name) => {
	const engineOf = () => engines.find((each) => each.name === name)!;
	const perform = <T>(work: Work<T>) => engineOf().engine().perform(work);

	it('binds every value as a parameter, never as SQL text', async () => {
		await engineOf().reset();
		const hostile = ["'); DROP TABLE things; --", '$1', '?', 'back\\slash \u00e9'];
		for (const [index, id] of hostile.entries()) await perform(insert(id, index));
		const stored = await perform(everything());
		expect(stored.map((row) => row.id).sort()).toEqual([...hostile].sort());
	});

	it('stands for a list with an array, and for nothing with an empty one', async () => {
		await engineOf().reset();
		for (const id of ['a', 'b', 'c']) await perform(insert(id, 1));
		const some = await perform(all<Thing>(sql`SELECT id FROM things WHERE id IN (${['a', 'c']})`));
		expect(some.map((row) => row.id).sort()).toEqual(['a', 'c']);
		const none = await perform(all<Thing>(sql`SELECT id FROM things WHERE id IN (${[]})`));
		expect(none).toEqual([]);
	});

	it('gives integers back as numbers up to 2^53 - 1, and bytes and null as stored', async () => {
		await engineOf().reset();
		const bytes = new Uint8Array([0, 1, 254, 255]);
		await perform(insert('big', Number.MAX_SAFE_INTEGER, bytes));
		await perform(insert('none', -1));
		const [big, none] = await perform(everything());
		expect(big!.n).toBe(Number.MAX_SAFE_INTEGER);
		expect(new Uint8Array(big!.bytes!)).toEqual(bytes);
		expect(none).toEqual({ id: 'none', n: -1, bytes: null });
	});

	it('counts the rows a statement changed, and none for a conflict it was told to ignore', async () => {
		await engineOf().reset();
		expect(await perform(insert('x', 1))).toBe(1);
		expect(await perform(insert('x', 2))).toBe(0);
		const { changes } = await perform(run(sql`UPDATE things SET n = n + 1 WHERE n >= ${0}`));
		expect(changes).toBe(1);
		expect(await perform(one<Thing>(sql`SELECT n FROM things WHERE id = ${'x'}`))).toEqual({
			n: 2
		});
	});

	it('takes effect whole or not at all when the unit throws after writing', async () => {
		await engineOf().reset();
		function* halfway(): Work<void> {
			yield* insert('first', 1);
			yield* insert('second', 2);
			throw new Error('changed its mind');
		}
		await expect(perform(halfway())).rejects.toThrow('changed its mind');
		expect(await perform(everything())).toEqual([]);
	});

	it('ends at a failed statement: its finally runs, no later statement does, nothing stays', async () => {
		await engineOf().reset();
		const seen: string[] = [];
		function* failing(): Work<void> {
			try {
				yield* insert('kept?', 1);
				try {
					yield* run(sql`INSERT INTO things (id, n) VALUES (${'null n'}, ${null})`);
				} catch {
					// A unit cannot carry on past a failed statement, even by catching it.
					seen.push('caught');
					yield* insert('after', 3);
				}
				seen.push('went on');
			} finally {
				seen.push('finally');
			}
		}
		await expect(perform(failing())).rejects.toThrow();
		expect(seen).toEqual(['finally']);
		expect(await perform(everything())).toEqual([]);
	});

	it('passes a unit made of other units through one transaction', async () => {
		await engineOf().reset();
		function* both(): Work<number> {
			const first = yield* insert('one', 1);
			const second = yield* insert('two', 2);
			if (second) throw new Error('undo both');
			return first + second;
		}
		await expect(perform(both())).rejects.toThrow('undo both');
		expect(await perform(everything())).toEqual([]);
	});

	it('ends with the rows a model of any sequence of units says (generative)', async () => {
		type Op =
			| { kind: 'insert'; id: string; n: number }
			| { kind: 'add'; id: string; by: number }
			| { kind: 'delete'; id: string };
		const id = fc.constantFrom('a', 'b', 'c', 'd');
		const op: fc.Arbitrary<Op> = fc.oneof(
			fc.record({ kind: fc.constant('insert' as const), id, n: fc.integer({ min: -5, max: 5 }) }),
			fc.record({ kind: fc.constant('add' as const), id, by: fc.integer({ min: -5, max: 5 }) }),
			fc.record({ kind: fc.constant('delete' as const), id })
		);
		const unit = fc.record({ ops: fc.array(op, { maxLength: 4 }), fails: fc.boolean() });
		await fc.assert(
			fc.asyncProperty(fc.array(unit, { maxLength: 8 }), async (units) => {
				await engineOf().reset();
				const model = new Map<string, number>();
				for (const { ops, fails } of units) {
					const next = new Map(model);
					function* apply(): Work<void> {
						for (const step of ops) {
							if (step.kind === 'insert') {
								yield* insert(step.id, step.n);
								if (!next.has(step.id)) next.set(step.id, step.n);
							} else if (step.kind === 'add') {
								yield* run(sql`UPDATE things SET n = n + ${step.by} WHERE id = ${step.id}`);
								if (next.has(step.id)) next.set(step.id, next.get(step.id)! + step.by);
							} else {
								yield* run(sql`DELETE FROM things WHERE id = ${step.id}`);
								next.delete(step.id);
							}
						}
						if (fails) throw new Error('fails');
					}
					await perform(apply()).catch(() => undefined);
					if (fails) continue;
					model.clear();
					for (const [key, value] of next) model.set(key, value);
				}
				const stored = await perform(everything());
				expect(stored.map(({ id, n }) => [id, n])).toEqual(
					[...model].sort(([a], [b]) => a.localeCompare(b))
				);
			}),
			{ numRuns: RUNS }
		);
	});
});

describe('a unit of work on SQLite', () => {
	it('runs to its end in the call that performs it, with no turn of the event loop', () => {
		const db = new Database(':memory:');
		db.exec(THINGS.sqlite);
		const engine = new SqliteEngine(db);
		let turned = false;
		setImmediate(() => (turned = true));
		queueMicrotask(() => (turned = true));
		const changes = engine.performNow(insert('now', 1));
		expect({ changes, turned }).toEqual({ changes: 1, turned: false });
	});

	it('becomes part of a transaction already open, and is undone with it', () => {
		const db = new Database(':memory:');
		db.exec(THINGS.sqlite);
		const engine = new SqliteEngine(db);
		const outer = db.transaction(() => {
			engine.performNow(insert('inner', 1));
			throw new Error('the outer step failed');
		});
		expect(() => outer()).toThrow('the outer step failed');
		expect(engine.performNow(everything())).toEqual([]);
	});
});

describe('units of work on PostgreSQL', () => {
	it('of many racing for one row with a conditional UPDATE, exactly one wins', async () => {
		const pool = postgres.openPool();
		const engine = new PostgresEngine(pool);
		await engine.perform(run(sql`DELETE FROM things`));
		await engine.perform(insert('prize', 0));
		function* claim(): Work<boolean> {
			const { changes } = yield* run(sql`UPDATE things SET n = 1 WHERE id = ${'prize'} AND n = 0`);
			return changes === 1;
		}
		const outcomes = await Promise.all(Array.from({ length: 12 }, () => engine.perform(claim())));
		expect(outcomes.filter(Boolean)).toHaveLength(1);
	});

	it('gives a connection whose unit failed back in a state the next unit can use', async () => {
		const pool = postgres.openPool();
		pool.options.max = 1;
		const engine = new PostgresEngine(pool);
		await expect(engine.perform(run(sql`SELECT no_such_column FROM things`))).rejects.toThrow();
		expect(await engine.perform(one(sql`SELECT 1 AS ok`))).toEqual({ ok: 1 });
	});
});
