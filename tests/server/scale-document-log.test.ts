/**
 * The document log on both engines, and ownership between processes on PostgreSQL: the same
 * contract for the embedded SQLite store and the PostgreSQL log of a scaled-out console, then
 * leases and fencing tokens, with several pools standing for several server processes.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres, openPostgres, type PgPool } from '../../server/db/postgres';
import { MIGRATIONS } from '../../server/schema';
import { openConsoleDatabase } from '../../server/schema';
import { DocumentLeases, type Lease } from '../../server/sync/leases';
import { sqliteDocumentStore, type SnapshotChunk } from '../../server/sync/persistence';
import { PostgresDocumentLog, StaleOwnerError } from '../../server/sync/postgres-log';
import { POSTGRES_URL, startPostgres, type TestPostgres } from '../support/postgres';

/** `FUZZ_RUNS=500 npx vitest run tests/server/scale-document-log.test.ts` for a longer run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

let postgres: TestPostgres;
beforeAll(async () => {
	postgres = await startPostgres();
});
afterAll(async () => {
	await postgres?.drop();
});

/** The log as both engines offer it, one document at a time. */
interface LogUnderTest {
	append(data: Uint8Array): Promise<number>;
	read(
		afterId: number,
		maxBytes: number
	): Promise<Array<{ id: number; data: Uint8Array; mark: string | null }>>;
	lastUpdate(): Promise<number>;
	compact(chunks: SnapshotChunk[], through: number): Promise<void>;
	owners(): Promise<Map<number, string>>;
	claim(clientId: number, owner: string): Promise<void>;
}

let documents = 0;
const ENGINES: Record<string, () => Promise<LogUnderTest>> = {
	async SQLite() {
		const store = sqliteDocumentStore(openConsoleDatabase(':memory:'));
		const doc = 'project/p';
		return {
			append: async (data) => {
				store.append(doc, data);
				return store.lastUpdate(doc);
			},
			read: async (afterId, maxBytes) => store.read(doc, afterId, maxBytes),
			lastUpdate: async () => store.lastUpdate(doc),
			compact: async (chunks, through) => store.compact(doc, chunks, through),
			owners: async () => store.owners(doc),
			claim: async (clientId, owner) => store.claim(doc, clientId, owner)
		};
	},
	async PostgreSQL() {
		const log = new PostgresDocumentLog(postgres.pool);
		const doc = `project/${++documents}`;
		const lease = (await new DocumentLeases(postgres.pool, 'one', 60_000).acquire(doc)) as Lease;
		return {
			append: (data) => log.append(lease, data),
			read: (afterId, maxBytes) => log.read(doc, afterId, maxBytes),
			lastUpdate: () => log.lastUpdate(doc),
			compact: async (chunks, through) => {
				await log.compact(lease, chunks, through);
			},
			owners: () => log.owners(doc),
			claim: (clientId, owner) => log.claim(lease, clientId, owner)
		};
	}
};

const bytes = (...values: number[]) => new Uint8Array(values);

/** Reads the whole log a slice of `maxBytes` at a time, as a load does. */
async function readAll(log: LogUnderTest, maxBytes: number) {
	const all: Array<{ id: number; data: number[]; mark: string | null }> = [];
	for (let after = 0; ;) {
		const slice = await log.read(after, maxBytes);
		if (slice.length === 0) return all;
		for (const update of slice) all.push({ ...update, data: [...update.data] });
		after = slice[slice.length - 1]!.id;
	}
}

describe.each(Object.entries(ENGINES))('the document log on %s', (_engine, open) => {
	it('keeps updates in the order they were appended, read a slice at a time', async () => {
		const log = await open();
		expect(await log.lastUpdate()).toBe(0);
		const ids = [];
		for (const value of [1, 2, 3, 4]) ids.push(await log.append(bytes(value, value, value)));
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		expect(await log.lastUpdate()).toBe(ids[3]);
		// Six bytes hold two updates of three; a slice smaller than one update still holds one.
		expect((await log.read(0, 6)).map((update) => update.id)).toEqual(ids.slice(0, 2));
		expect((await log.read(ids[0]!, 1)).map((update) => update.id)).toEqual([ids[1]]);
		expect(await log.read(ids[3]!, 100)).toEqual([]);
		expect((await readAll(log, 4)).map((update) => update.data[0])).toEqual([1, 2, 3, 4]);
	});

	it('replaces a prefix by a snapshot and keeps what came after it, after it', async () => {
		const log = await open();
		const ids = [];
		for (const value of [1, 2, 3]) ids.push(await log.append(bytes(value)));
		await log.compact(
			[
				{ data: bytes(10), mark: 'm1' },
				{ data: bytes(11), mark: 'm2' }
			],
			ids[1]!
		);
		const after = await readAll(log, 1 << 20);
		expect(after.map((update) => [update.data[0], update.mark])).toEqual([
			[10, 'm1'],
			[11, 'm2'],
			[3, null]
		]);
		expect(await log.lastUpdate()).toBe(after[2]!.id);
	});

	it('records the first owner of a clientID and keeps it', async () => {
		const log = await open();
		await log.claim(7, 'account-a');
		await log.claim(7, 'account-b');
		await log.claim(2 ** 32 - 1, '#server');
		expect(await log.owners()).toEqual(
			new Map([
				[7, 'account-a'],
				[2 ** 32 - 1, '#server']
			])
		);
	});

	it('reads back whatever sequence of appends and compactions made it (generative)', async () => {
		type Step =
			{ kind: 'append'; size: number } | { kind: 'compact'; keep: number; chunks: number };
		const step: fc.Arbitrary<Step> = fc.oneof(
			{
				weight: 4,
				arbitrary: fc.record({
					kind: fc.constant('append' as const),
					size: fc.integer({ min: 1, max: 40 })
				})
			},
			{
				weight: 1,
				arbitrary: fc.record({
					kind: fc.constant('compact' as const),
					keep: fc.nat(5),
					chunks: fc.integer({ min: 1, max: 3 })
				})
			}
		);
		await fc.assert(
			fc.asyncProperty(
				fc.array(step, { maxLength: 25 }),
				fc.integer({ min: 1, max: 100 }),
				async (steps, sliceBytes) => {
					const log = await open();
					// The model: each entry's bytes, in the log's order, and whether a compaction may end
					// at it: an appended update, or the last chunk of a snapshot (where a load ends) when
					// nothing came after it.
					let model: Array<{ data: number[]; mark: string | null; end: boolean }> = [];
					let next = 0;
					for (const each of steps) {
						if (each.kind === 'append') {
							const data = Array.from({ length: each.size }, () => next++ % 256);
							await log.append(new Uint8Array(data));
							model.push({ data, mark: null, end: true });
						} else {
							const all = await readAll(log, 1 << 20);
							let through = all.length - Math.min(each.keep, all.length);
							const mayEndAt = (index: number) =>
								model[index]!.mark === null || (model[index]!.end && index === model.length - 1);
							while (through > 0 && !mayEndAt(through - 1)) through--;
							if (through === 0) continue;
							const chunks = Array.from({ length: each.chunks }, (_, i) => ({
								data: [200 + i],
								mark: `m${i}`,
								end: i === each.chunks - 1
							}));
							await log.compact(
								chunks.map((chunk) => ({ data: new Uint8Array(chunk.data), mark: chunk.mark })),
								all[through - 1]!.id
							);
							model = [...chunks, ...model.slice(through)];
						}
					}
					const read = await readAll(log, sliceBytes);
					expect(read.map(({ data, mark }) => ({ data, mark }))).toEqual(
						model.map(({ data, mark }) => ({ data, mark }))
					);
				}
			),
			{ numRuns: RUNS }
		);
	});
});

describe('ownership of a document between processes (PostgreSQL)', () => {
	const SHORT = 60_000;
	let pools: PgPool[];
	beforeAll(() => {
		pools = [postgres.openPool(), postgres.openPool(), postgres.openPool()];
	});
	const processNamed = (holder: string, index: number, length = SHORT) =>
		new DocumentLeases(pools[index]!, holder, length);
	/** What time does to a lease: it runs out. */
	const expire = (doc: string) =>
		postgres.pool.query('UPDATE doc_leases SET expires_at = now() WHERE doc = $1', [doc]);

	it('gives a live lease to one process only, and a higher token to each that takes it over', async () => {
		const doc = 'project/owned';
		const [a, b, c] = [processNamed('a', 0), processNamed('b', 1), processNamed('c', 2)];
		const first = (await a.acquire(doc)) as Lease;
		expect(await b.acquire(doc)).toBeNull();
		expect(await a.renew(first)).toBe(true);
		expect((await b.holderOf(doc))?.holder).toBe('a');

		await expire(doc);
		const second = (await b.acquire(doc)) as Lease;
		expect(second.token).toBeGreaterThan(first.token);
		expect(await a.renew(first)).toBe(false);

		// A lease let go is free at once, and its token is never given again.
		await b.release(second);
		expect(await b.holderOf(doc)).toBeNull();
		const third = (await c.acquire(doc)) as Lease;
		expect(third.token).toBeGreaterThan(second.token);
		// Taking a lease it holds again makes its earlier token stale too.
		const fourth = (await c.acquire(doc)) as Lease;
		expect(fourth.token).toBeGreaterThan(third.token);
		expect(await c.renew(third)).toBe(false);
	});

	it('lets exactly one of several processes racing for a document have it', async () => {
		for (let round = 0; round < 10; round++) {
			const doc = `project/raced-${round}`;
			const won = await Promise.all(pools.map((_, i) => processNamed(`p${i}`, i).acquire(doc)));
			expect(won.filter((lease) => lease !== null)).toHaveLength(1);
		}
	});

	it('refuses every write of a former owner once another took over, whatever path it takes', async () => {
		const doc = 'project/fenced';
		const a = processNamed('a', 0);
		const b = processNamed('b', 1);
		const logA = new PostgresDocumentLog(pools[0]!);
		const logB = new PostgresDocumentLog(pools[1]!);
		const leaseA = (await a.acquire(doc)) as Lease;
		await logA.append(leaseA, bytes(1));
		await logA.claim(leaseA, 1, 'account-a');

		// A is paused past its lease; B takes over.
		await expire(doc);
		const leaseB = (await b.acquire(doc)) as Lease;
		const before = await readAll(
			{ read: (after, max) => logB.read(doc, after, max) } as LogUnderTest,
			1 << 20
		);

		await expect(logA.append(leaseA, bytes(2))).rejects.toBeInstanceOf(StaleOwnerError);
		await expect(logA.claim(leaseA, 2, 'account-a')).rejects.toBeInstanceOf(StaleOwnerError);
		await expect(
			logA.compact(leaseA, [{ data: bytes(9), mark: null }], before[0]!.id)
		).rejects.toBeInstanceOf(StaleOwnerError);
		// Not only through the log's methods: PostgreSQL itself refuses the row.
		await expect(
			pools[0]!.query('INSERT INTO doc_updates (doc, data, fence) VALUES ($1, $2, $3)', [
				doc,
				bytes(3),
				leaseA.token
			])
		).rejects.toMatchObject({ code: 'FENCE' });
		await expect(
			pools[0]!.query('INSERT INTO doc_updates (doc, data) VALUES ($1, $2)', [doc, bytes(3)])
		).rejects.toMatchObject({ code: 'FENCE' });
		for (const change of [
			'DELETE FROM doc_updates WHERE doc = $1',
			'UPDATE doc_updates SET data = $2 WHERE doc = $1',
			'DELETE FROM doc_clients WHERE doc = $1'
		]) {
			const args = change.includes('$2') ? [doc, bytes(9)] : [doc];
			await expect(pools[0]!.query(change, args)).rejects.toMatchObject({ code: 'FENCE' });
			// Naming the old token, as a compaction names its own, does not help.
			const client = await pools[0]!.connect();
			try {
				await client.query('BEGIN');
				await client.query(`SELECT set_config('console.fence', $1, true)`, [String(leaseA.token)]);
				await expect(client.query(change, args)).rejects.toMatchObject({ code: 'FENCE' });
			} finally {
				await client.query('ROLLBACK');
				client.release();
			}
		}

		const after = await readAll(
			{ read: (a2, max) => logB.read(doc, a2, max) } as LogUnderTest,
			1 << 20
		);
		expect(after).toEqual(before);
		expect(await logB.owners(doc)).toEqual(new Map([[1, 'account-a']]));
		await logB.append(leaseB, bytes(4));
		expect(await logB.lastUpdate(doc)).toBeGreaterThan(before[0]!.id);
	});

	it('lets a reader halfway through a snapshot read the whole of the one that replaces it', async () => {
		const doc = 'project/compacted-twice';
		const lease = (await processNamed('a', 0).acquire(doc)) as Lease;
		const log = new PostgresDocumentLog(pools[0]!);
		const chunks = (...values: number[]) =>
			values.map((value) => ({ data: bytes(value), mark: null }));
		await log.append(lease, bytes(1));
		const end = await log.append(lease, bytes(2));
		expect(await log.compact(lease, chunks(11, 12, 13), end)).toBe(end);
		// A reader stops after the first chunk, as a slice of a load does.
		const [first] = await log.read(doc, 0, 1);
		expect(first!.data).toEqual(bytes(11));
		// The log is that snapshot alone; a compaction rewrites it (as one vouched for would).
		const ends = await log.compact(lease, chunks(21, 22, 23, 24), end);
		expect(ends).toBeGreaterThan(end);
		const rest = await log.read(doc, first!.id, 1 << 20);
		expect(rest.map((update) => update.data[0])).toEqual([21, 22, 23, 24]);
		expect(await log.lastUpdate(doc)).toBe(ends);

		// Once an update follows the snapshot, rewriting the snapshot alone is left to a later one.
		const after = await log.append(lease, bytes(3));
		expect(await log.compact(lease, chunks(31), ends!)).toBeNull();
		expect((await log.read(doc, 0, 1 << 20)).map((update) => update.data[0])).toEqual([
			21, 22, 23, 24, 3
		]);
		expect(await log.compact(lease, chunks(41), after)).toBe(after);
		expect((await log.read(doc, 0, 1 << 20)).map((update) => update.data[0])).toEqual([41]);
	});

	it('refuses a compaction that ends anywhere but at an appended update', async () => {
		const doc = 'project/compacted-nowhere';
		const lease = (await processNamed('a', 0).acquire(doc)) as Lease;
		const log = new PostgresDocumentLog(pools[0]!);
		const last = await log.append(lease, bytes(1));
		const chunk = [{ data: bytes(9), mark: null }];
		for (const through of [0, last - 1, last + 1, last * 3]) {
			await expect(log.compact(lease, chunk, through)).rejects.toMatchObject({ code: '22023' });
		}
		await expect(log.compact(lease, [], last)).rejects.toMatchObject({ code: '22023' });
		expect((await log.read(doc, 0, 1 << 20)).map((update) => update.data[0])).toEqual([1]);
	});

	it('appends several updates in one commit, in order, or none under a stale lease', async () => {
		const doc = 'project/batched';
		const a = processNamed('a', 0);
		const log = new PostgresDocumentLog(pools[0]!);
		const lease = (await a.acquire(doc)) as Lease;
		const single = await log.append(lease, bytes(0));
		const ids = await log.appendAll(lease, [bytes(1), bytes(2), bytes(3)]);
		expect(ids).toHaveLength(3);
		expect(ids[0]).toBeGreaterThan(single);
		const read = await log.read(doc, 0, 1 << 20);
		expect(read.map((update) => [update.id, update.data[0]])).toEqual([
			[single, 0],
			[ids[0], 1],
			[ids[1], 2],
			[ids[2], 3]
		]);
		expect(await log.appendAll(lease, [])).toEqual([]);

		await expire(doc);
		await processNamed('b', 1).acquire(doc);
		await expect(log.appendAll(lease, [bytes(4), bytes(5)])).rejects.toBeInstanceOf(
			StaleOwnerError
		);
		expect(await log.lastUpdate(doc)).toBe(ids[2]);
	});

	it('gives a new token to a process that takes a document again after letting it go', async () => {
		const doc = 'project/taken-again';
		const a = processNamed('a', 0);
		const log = new PostgresDocumentLog(pools[0]!);
		const first = (await a.acquire(doc)) as Lease;
		await a.release(first);
		expect(await a.renew(first)).toBe(false);
		const second = (await a.acquire(doc)) as Lease;
		expect(second.token).toBeGreaterThan(first.token);
		const loaded = await log.lastUpdate(doc);
		// What the process still had under way under its first lease is refused.
		await expect(log.append(first, bytes(1))).rejects.toBeInstanceOf(StaleOwnerError);
		expect(await log.lastUpdate(doc)).toBe(loaded);

		await expire(doc);
		const third = (await a.acquire(doc)) as Lease;
		expect(third.token).toBeGreaterThan(second.token);
		await expect(log.append(second, bytes(2))).rejects.toBeInstanceOf(StaleOwnerError);
	});

	it('lets a reader that read up to an update miss nothing committed after, while appends and a compaction race', async () => {
		for (let round = 0; round < 5; round++) {
			const doc = `project/raced-appends-${round}`;
			const lease = (await processNamed('owner', 0).acquire(doc)) as Lease;
			const log = new PostgresDocumentLog(pools[0]!);
			const reader = new PostgresDocumentLog(pools[1]!);
			const first = await log.append(lease, bytes(0));
			// A reader follows the log as a process relaying it does, a slice at a time.
			const seen = new Map<number, number>();
			let position = 0;
			let writing = true;
			const readAlong = async () => {
				for (;;) {
					const done = !writing;
					for (const update of await reader.read(doc, position, 64)) {
						seen.set(update.id, update.data[0]!);
						position = update.id;
					}
					if (done) return;
				}
			};
			const reading = readAlong();
			const appends = Array.from({ length: 80 }, (_, i) => log.append(lease, bytes(i + 1)));
			const compaction = log.compact(lease, [{ data: bytes(200), mark: 'snapshot' }], first);
			const acknowledged = await Promise.all(appends);
			await compaction;
			writing = false;
			await reading;

			// Every append is in the log after the snapshot, in the order of its id.
			const stored = await readAll(
				{ read: (after, max) => reader.read(doc, after, max) } as LogUnderTest,
				1 << 20
			);
			expect(stored[0]!.data).toEqual([200]);
			expect(stored.slice(1).map((update) => update.id)).toEqual(
				[...acknowledged].sort((x, y) => x - y)
			);
			// The reader heard every append, whenever it committed.
			for (const id of acknowledged) expect(seen.has(id)).toBe(true);
		}
	});

	it('never loses an acknowledged write of a former owner, nor keeps one made after a takeover', async () => {
		for (let round = 0; round < 3; round++) {
			const doc = `project/taken-over-${round}`;
			const a = processNamed('a', 0);
			const b = processNamed('b', 1);
			const logA = new PostgresDocumentLog(pools[0]!);
			const logB = new PostgresDocumentLog(pools[1]!);
			const leaseA = (await a.acquire(doc)) as Lease;

			// A writes as fast as its pool lets it while B takes the document over and loads it.
			const writes = Array.from({ length: 60 }, (_, i) =>
				logA.append(leaseA, bytes(i)).then(
					(id) => ({ id }),
					(error: unknown) => ({ error })
				)
			);
			await new Promise((resolve) => setTimeout(resolve, round * 3));
			await expire(doc);
			const leaseB = (await b.acquire(doc)) as Lease;
			const loadedThrough = await logB.lastUpdate(doc);
			const ownWrite = await logB.append(leaseB, bytes(255));

			const outcomes = await Promise.all(writes);
			const rows = (
				await postgres.pool.query<{ id: string; fence: string }>(
					'SELECT id, fence FROM doc_updates WHERE doc = $1 ORDER BY id',
					[doc]
				)
			).rows.map((row) => ({ id: Number(row.id), fence: Number(row.fence) }));
			const kept = new Set(rows.map((row) => row.id));
			for (const outcome of outcomes) {
				if ('id' in outcome) {
					// Acknowledged: in the log, and among what B loaded.
					expect(kept.has(outcome.id)).toBe(true);
					expect(outcome.id).toBeLessThanOrEqual(loadedThrough);
				} else expect(outcome.error).toBeInstanceOf(StaleOwnerError);
			}
			expect(rows.filter((row) => row.fence === leaseA.token)).toHaveLength(
				outcomes.filter((outcome) => 'id' in outcome).length
			);
			// Everything after B's load is B's own.
			expect(rows.filter((row) => row.id > loadedThrough)).toEqual([
				{ id: ownWrite, fence: leaseB.token }
			]);
		}
	});
});

describe('the schema on PostgreSQL', () => {
	it('is migrated once when three processes start at once, each of them ready after', async () => {
		const schema = `test_started_together_${process.pid}`;
		const pools = [1, 2, 3].map(() => openPostgres(POSTGRES_URL, { schema }));
		try {
			const applied = await Promise.all(pools.map((pool) => migratePostgres(pool, MIGRATIONS)));
			const withPostgres = MIGRATIONS.filter((migration) => migration.postgres !== undefined);
			expect(applied.flat().sort()).toEqual(withPostgres.map((migration) => migration.id).sort());
			for (const pool of pools) expect(await migratePostgres(pool, MIGRATIONS)).toEqual([]);
			const recorded = await pools[0]!.query('SELECT id FROM schema_migrations ORDER BY id');
			expect(recorded.rows.map((row: { id: string }) => row.id)).toEqual(
				withPostgres.map((migration) => migration.id).sort()
			);
		} finally {
			await pools[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			await Promise.all(pools.map((pool) => pool.end()));
		}
	});

	it('is migrated by a role that owns its schema and may create nothing else', async () => {
		const suffix = randomBytes(4).toString('hex');
		const [role, schema] = [`console_app_${suffix}`, `console_${suffix}`];
		const admin = postgres.pool;
		await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app'`);
		await admin.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
		const url = new URL(POSTGRES_URL);
		url.username = role;
		url.password = 'app';
		const pool = openPostgres(url.toString(), { schema });
		try {
			const applied = await migratePostgres(pool, MIGRATIONS);
			expect(applied).toContain('sync-004-ownership-leases');
			const leases = new DocumentLeases(pool, 'app', 60_000);
			const lease = (await leases.acquire('project/least')) as Lease;
			expect(await new PostgresDocumentLog(pool).append(lease, bytes(1))).toBeGreaterThan(0);
		} finally {
			await pool.end();
			await admin.query(`DROP SCHEMA ${schema} CASCADE`);
			await admin.query(`DROP ROLE ${role}`);
		}
	});
});
