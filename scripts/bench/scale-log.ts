/**
 * `npm run bench:scale-log`: what the parts of a scaled-out console built so far cost
 * (docs/scale-out.md), written to docs/performance.md, each next to a baseline measured
 * interleaved in the same run:
 *
 * - an append to a document's log in PostgreSQL under its lease (the fencing trigger takes the
 *   update's place from the lease row), against a plain INSERT of the same row into a table
 *   without the trigger, and against the embedded SQLite store's append;
 * - an update heard by another process through the update feed (Redis pub/sub, the log read on
 *   a gap), against a bare Redis publish heard by a bare subscriber.
 *
 * Needs the PostgreSQL of the tests (DATABASE_URL, default as in tests/support/postgres.ts) and
 * Debian's redis-server, which it starts on a free port. `-- --quick` for a short run.
 */
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsoleDatabase } from '../../server/schema';
import { DocumentLeases, type Lease } from '../../server/sync/leases';
import { OwnedDocumentLog } from '../../server/sync/owned-log';
import { sqliteDocumentStore } from '../../server/sync/persistence';
import { PostgresDocumentLog } from '../../server/sync/postgres-log';
import { UpdateFeed } from '../../server/sync/update-feed';
import { startPostgres } from '../../tests/support/postgres';
import { startRedis } from '../../tests/support/redis';
import { machine, writeSection } from './report';
import { interleavedRounds, median, percentile } from './stats';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 6;
const APPENDS = quick ? 300 : 1_000;
/** Documents written at once in the concurrent variant, each by one writer at a time. */
const DOCUMENTS = 16;
/** Writes under way at once to one hot document. */
const IN_FLIGHT = 8;
const UPDATE_BYTES = 200;
const FEED_MESSAGES = quick ? 300 : 1_000;

const postgres = await startPostgres();
const redis = await startRedis();
const dataDir = mkdtempSync(join(tmpdir(), 'bench-scale-log-'));
const sqlite = sqliteDocumentStore(openConsoleDatabase(join(dataDir, 'console.sqlite')));
const log = new PostgresDocumentLog(postgres.pool);
const leases = new DocumentLeases(postgres.pool, 'bench', 3_600_000);
await postgres.pool.query(
	'CREATE TABLE plain_updates (doc TEXT NOT NULL, id BIGINT NOT NULL, data BYTEA NOT NULL, fence BIGINT NOT NULL, PRIMARY KEY (doc, id))'
);
const update = randomBytes(UPDATE_BYTES);

type Writer = (doc: string) => Promise<unknown>;
interface Variant {
	name: string;
	writer(): Promise<Writer>;
}

let documents = 0;
const APPEND_VARIANTS: Variant[] = [
	{
		name: 'SQLite store append (embedded default)',
		async writer() {
			return async (doc) => sqlite.append(doc, update);
		}
	},
	{
		name: 'PostgreSQL plain INSERT (no lease, no trigger)',
		async writer() {
			const next = new Map<string, number>();
			return (doc) => {
				const id = (next.get(doc) ?? 0) + 1;
				next.set(doc, id);
				return postgres.pool.query(
					'INSERT INTO plain_updates (doc, id, data, fence) VALUES ($1, $2, $3, 1)',
					[doc, id * 65_536, update]
				);
			};
		}
	},
	{
		name: 'PostgreSQL append under the lease (fenced)',
		async writer() {
			const held = new Map<string, Lease>();
			return async (doc) => {
				let lease = held.get(doc);
				if (!lease) {
					lease = (await leases.acquire(doc)) as Lease;
					held.set(doc, lease);
				}
				return log.append(lease, update);
			};
		}
	},
	{
		name: 'PostgreSQL under the lease, grouped (what waits, in one commit)',
		async writer() {
			const owned = new Map<string, OwnedDocumentLog>();
			return async (doc) => {
				let documentLog = owned.get(doc);
				if (!documentLog) {
					const lease = (await leases.acquire(doc)) as Lease;
					documentLog = new OwnedDocumentLog(log, null, lease, await log.lastUpdate(doc));
					owned.set(doc, documentLog);
				}
				return documentLog.append(update);
			};
		}
	}
];

/** Milliseconds per append: one at a time to one document. */
async function oneAtATime(write: Writer): Promise<number> {
	const doc = `bench/${++documents}`;
	await write(doc);
	const started = performance.now();
	for (let i = 0; i < APPENDS; i++) await write(doc);
	return (performance.now() - started) / APPENDS;
}

/** Milliseconds per append: `DOCUMENTS` documents at once, one write under way to each. */
async function manyDocuments(write: Writer): Promise<number> {
	const docs = Array.from({ length: DOCUMENTS }, () => `bench/${++documents}`);
	await Promise.all(docs.map((doc) => write(doc)));
	const each = Math.ceil(APPENDS / DOCUMENTS);
	const started = performance.now();
	await Promise.all(
		docs.map(async (doc) => {
			for (let i = 0; i < each; i++) await write(doc);
		})
	);
	return (performance.now() - started) / (each * DOCUMENTS);
}

/** Milliseconds per append: one hot document, `IN_FLIGHT` writes under way at once. */
async function hotDocument(write: Writer): Promise<number> {
	const doc = `bench/${++documents}`;
	await write(doc);
	const each = Math.ceil(APPENDS / IN_FLIGHT);
	const started = performance.now();
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			for (let i = 0; i < each; i++) await write(doc);
		})
	);
	return (performance.now() - started) / (each * IN_FLIGHT);
}

const SHAPES = { oneAtATime, manyDocuments, hotDocument };
const appendTimes = new Map<string, number[]>();
for (const round of interleavedRounds(APPEND_VARIANTS, ROUNDS))
	for (const variant of round) {
		const write = await variant.writer();
		for (const [shape, measure] of Object.entries(SHAPES)) {
			const key = `${variant.name}|${shape}`;
			appendTimes.set(key, [...(appendTimes.get(key) ?? []), await measure(write)]);
		}
	}

// ---- the update feed against bare pub/sub -------------------------------------------------------

interface Delivery {
	name: string;
	/** Milliseconds from each publication to its delivery in the other process. */
	run(): Promise<number[]>;
}

const feedLease = (await leases.acquire('bench/feed')) as Lease;
const DELIVERIES: Delivery[] = [
	{
		name: 'bare Redis publish → subscriber',
		async run() {
			const publisher = new Redis(redis.url);
			const subscriber = new Redis(redis.url);
			const sentAt = new Map<number, number>();
			const latencies: number[] = [];
			let heard = 0;
			const done = new Promise<void>((resolve) =>
				subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
					latencies.push(performance.now() - sentAt.get(message.readUInt32BE(0))!);
					if (++heard === FEED_MESSAGES) resolve();
				})
			);
			await subscriber.subscribe('bare');
			for (let i = 0; i < FEED_MESSAGES; i++) {
				const message = Buffer.concat([Buffer.alloc(4), update]);
				message.writeUInt32BE(i, 0);
				sentAt.set(i, performance.now());
				await publisher.publish('bare', message);
			}
			await done;
			await Promise.all([publisher.quit(), subscriber.quit()]);
			return latencies;
		}
	},
	{
		name: 'update feed (appended, published, followed)',
		async run() {
			const owner = new UpdateFeed(redis.url, (doc, after, max) => log.read(doc, after, max));
			const follower = new UpdateFeed(redis.url, (doc, after, max) => log.read(doc, after, max));
			let last = await log.lastUpdate('bench/feed');
			const sentAt = new Map<number, number>();
			const latencies: number[] = [];
			let resolve: () => void = () => {};
			const done = new Promise<void>((settle) => (resolve = settle));
			const stop = await follower.follow('bench/feed', last, ({ id }) => {
				latencies.push(performance.now() - sentAt.get(id)!);
				if (latencies.length === FEED_MESSAGES) resolve();
			});
			for (let i = 0; i < FEED_MESSAGES; i++) {
				// Measured from the publication, as the bare variant is: the append before it is the
				// log's, measured above.
				const id = await log.append(feedLease, update);
				sentAt.set(id, performance.now());
				await owner.publish('bench/feed', { id, after: last, data: update });
				last = id;
			}
			await done;
			await stop();
			await Promise.all([owner.close(), follower.close()]);
			return latencies;
		}
	}
];
const deliveryTimes = new Map<string, number[]>();
for (const round of interleavedRounds(DELIVERIES, ROUNDS))
	for (const delivery of round)
		deliveryTimes.set(delivery.name, [
			...(deliveryTimes.get(delivery.name) ?? []),
			...(await delivery.run())
		]);

await Promise.all([postgres.drop(), redis.stop()]);
rmSync(dataDir, { recursive: true, force: true });

// ---- the report ---------------------------------------------------------------------------------

const ms = (value: number) => `${value.toFixed(3)} ms`;
const appendMedian = (variant: Variant, shape: string) =>
	median(appendTimes.get(`${variant.name}|${shape}`)!);
const [embedded, plain, fenced, grouped] = APPEND_VARIANTS as [Variant, Variant, Variant, Variant];
const shapeNames: Record<keyof typeof SHAPES, string> = {
	oneAtATime: 'one at a time, one document',
	manyDocuments: `${DOCUMENTS} documents at once, one write each`,
	hotDocument: `one document, ${IN_FLIGHT} writes under way`
};
const appendRows = Object.entries(shapeNames).map(
	([shape, label]) =>
		`| ${label} | ${ms(appendMedian(embedded, shape))} | ${ms(appendMedian(plain, shape))} | ${ms(appendMedian(fenced, shape))} | ${(appendMedian(fenced, shape) / appendMedian(plain, shape)).toFixed(2)}× | ${ms(appendMedian(grouped, shape))} | ${(appendMedian(grouped, shape) / appendMedian(plain, shape)).toFixed(2)}× |`
);
const [bare, feed] = DELIVERIES as [Delivery, Delivery];
const bareTimes = deliveryTimes.get(bare.name)!;
const feedTimes = deliveryTimes.get(feed.name)!;

writeSection(
	'scale-log',
	`## Scale-out parts (\`npm run bench:scale-log\`; \`-- --quick\` for a short run)

Measured on ${machine()}, PostgreSQL and Redis on the same machine (loopback), ${ROUNDS} rounds,
the variants interleaved and each going first in turn; each figure is the median over the rounds.
These are the parts built so far (docs/scale-out.md), not yet a server: \`bench:scale\` (processes
behind a load balancer) comes with the owners and relays.

**An append to a document's log**, ${UPDATE_BYTES}-byte updates, ${APPENDS} per round and shape,
time per append (wall clock, including the round trip to the database):

| Shape | SQLite store (embedded) | PostgreSQL plain INSERT | under the lease | ÷ plain | under the lease, grouped | ÷ plain |
|---|---|---|---|---|---|---|
${appendRows.join('\n')}

A PostgreSQL commit waits for its write-ahead log to reach the disk (\`synchronous_commit\`
on); the embedded SQLite store's does not (\`synchronous = NORMAL\`, docs/sync.md), which is most
of the difference between the first two columns. Under the lease, an update's place is taken by
an UPDATE of the lease row in the same statement, so the appends to one document commit one at a
time, in order, each waiting for the disk: that is what the hot document pays. Appends to
different documents do not wait for each other. Grouped, the updates that arrive while a commit
is under way go together in the next one (\`OwnedDocumentLog\`, the owner's write path).

**An update heard by another process**, ${FEED_MESSAGES} per round, from its publication to its
delivery:

| | p50 | p99 |
|---|---|---|
| ${bare.name} | ${ms(percentile(bareTimes, 50))} | ${ms(percentile(bareTimes, 99))} |
| ${feed.name} | ${ms(percentile(feedTimes, 50))} | ${ms(percentile(feedTimes, 99))} |
| ratio | ${(percentile(feedTimes, 50) / percentile(bareTimes, 50)).toFixed(2)}× | ${(percentile(feedTimes, 99) / percentile(bareTimes, 99)).toFixed(2)}× |
`
);
