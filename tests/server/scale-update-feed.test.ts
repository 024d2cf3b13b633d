/**
 * Fan-out between server processes through Redis (server/sync/update-feed.ts), against a real
 * Redis of the test's own and the document log in a real PostgreSQL: a follower on another
 * process hears every update of the log after the one it started from, in order, each once,
 * whatever Redis loses: a message never published, a duplicate, Redis killed and started again.
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DocumentLeases, type Lease } from '../../server/sync/leases';
import { PostgresDocumentLog } from '../../server/sync/postgres-log';
import { UpdateFeed, type FedUpdate } from '../../server/sync/update-feed';
import { eventually } from '../support/eventually';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startRedis, type TestRedis } from '../support/redis';

/** `FUZZ_RUNS=200 npx vitest run tests/server/scale-update-feed.test.ts` for a longer run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);

let postgres: TestPostgres;
let redis: TestRedis;
let log: PostgresDocumentLog;
const feeds: UpdateFeed[] = [];
beforeAll(async () => {
	[postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
	log = new PostgresDocumentLog(postgres.pool);
});
afterEach(async () => {
	await Promise.all(feeds.splice(0).map((feed) => feed.close()));
});
afterAll(async () => {
	await Promise.all([postgres?.drop(), redis?.stop()]);
});

/** A server process's feed: its own two connections to Redis, reading the shared log. */
function processFeed(): UpdateFeed {
	const feed = new UpdateFeed(redis.url, (doc, after, max) => log.read(doc, after, max), {
		prefix: 'test'
	});
	feeds.push(feed);
	return feed;
}

let documents = 0;
/** The owner of a new document: appends under its lease, then publishes, as the owner will. */
async function owner(feed: UpdateFeed) {
	const doc = `project/${++documents}`;
	const lease = (await new DocumentLeases(postgres.pool, 'owner', 60_000).acquire(doc)) as Lease;
	let last = 0;
	return {
		doc,
		/** Appends an update; `publish` false stands for a publication Redis lost. */
		async write(value: number, publish = true): Promise<number> {
			const id = await log.append(lease, new Uint8Array([value]));
			if (publish) await feed.publish(doc, { id, after: last, data: new Uint8Array([value]) });
			last = id;
			return id;
		},
		/** Publishes an update again, as a retried publication would. */
		async republish(id: number, after: number, value: number) {
			await feed.publish(doc, { id, after, data: new Uint8Array([value]) });
		}
	};
}

function listener() {
	const heard: FedUpdate[] = [];
	return {
		heard,
		deliver: (update: FedUpdate) => heard.push(update),
		ids: () => heard.map((update) => update.id),
		values: () => heard.map((update) => update.data[0])
	};
}

describe('the update feed between processes', () => {
	it('brings another process every update in order, from where it started', async () => {
		const source = await owner(processFeed());
		const early = await source.write(1);
		const other = listener();
		const stop = await processFeed().follow(source.doc, early, other.deliver);
		const later = [await source.write(2), await source.write(3)];
		await eventually(() => other.heard.length === 2, 'both updates');
		expect(other.ids()).toEqual(later);
		// Each update whole, and nothing more.
		expect(other.heard.map((update) => [...update.data])).toEqual([[2], [3]]);

		await stop();
		await source.write(4);
		const lastId = await source.write(5);
		// A follower started again from the same place hears exactly what came since.
		const again = listener();
		await processFeed().follow(source.doc, later[1]!, again.deliver);
		await eventually(() => again.ids().at(-1) === lastId, 'the updates after the stop');
		expect(again.values()).toEqual([4, 5]);
		expect(other.values()).toEqual([2, 3]);
	});

	it('reads from the log what Redis never carried, and hears a duplicate once', async () => {
		const source = await owner(processFeed());
		const other = listener();
		await processFeed().follow(source.doc, 0, other.deliver);
		await source.write(1);
		await source.write(2, false);
		await source.write(3, false);
		const fourth = await source.write(4);
		await eventually(() => other.heard.length === 4, 'all four');
		await source.republish(fourth, 0, 4);
		const fifth = await source.write(5);
		await eventually(() => other.ids().at(-1) === fifth, 'the fifth');
		expect(other.values()).toEqual([1, 2, 3, 4, 5]);
	});

	it('misses nothing while Redis is down and after it starts again empty', async () => {
		const source = await owner(processFeed());
		const other = listener();
		await processFeed().follow(source.doc, 0, other.deliver);
		await source.write(1);
		await eventually(() => other.heard.length === 1, 'the first update');

		await redis.kill();
		// The owner goes on writing to the log; Redis cannot be told.
		const whileDown = [await source.write(2), await source.write(3)];
		await redis.start();
		// No publication follows: the follower reads what it missed as soon as Redis is back.
		await eventually(() => other.heard.length === 3, 'the updates made while Redis was down');
		expect(other.ids().slice(1)).toEqual(whileDown);
		const after = await source.write(4);
		await eventually(() => other.ids().at(-1) === after, 'an update after the restart');
		expect(other.values()).toEqual([1, 2, 3, 4]);
	});

	it('publishes again, once Redis answers, the last update whose publication failed', async () => {
		const source = await owner(processFeed());
		// This follower cannot read the log (it finds nothing there): it hears only what Redis
		// carries, so the update can reach it only by being published again.
		const blind = new UpdateFeed(redis.url, async () => [], { prefix: 'test' });
		feeds.push(blind);
		const other = listener();
		await blind.follow(source.doc, 0, other.deliver);
		await source.write(1);
		await eventually(() => other.heard.length === 1, 'the first update');

		// The owner's connection to Redis is cut, the follower's is not.
		const admin = new Redis(redis.url);
		try {
			await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
		} finally {
			admin.disconnect();
		}
		const lost = await source.write(2);
		await eventually(() => other.ids().at(-1) === lost, 'the update published again');
		expect(other.values()).toEqual([1, 2]);
	});

	it('hears a document it began to follow while its connection to Redis was still opening', async () => {
		const source = await owner(processFeed());
		for (let round = 0; round < 20; round++) {
			const other = listener();
			// A new feed, followed at once: the subscription goes out as the connection opens.
			await processFeed().follow(source.doc, await log.lastUpdate(source.doc), other.deliver);
			const id = await source.write(round);
			await eventually(() => other.ids().at(-1) === id, `round ${round}'s update`);
		}
	});

	it('after a compaction, brings the snapshot to a follower behind it and nothing again to one past it', async () => {
		const feed = processFeed();
		const doc = `project/${++documents}`;
		const lease = (await new DocumentLeases(postgres.pool, 'owner', 60_000).acquire(doc)) as Lease;
		const first = await log.append(lease, new Uint8Array([1]));
		const behind = listener();
		await processFeed().follow(doc, first, behind.deliver);
		// The next two are never published: the follower stays where it was.
		await log.append(lease, new Uint8Array([2]));
		const third = await log.append(lease, new Uint8Array([3]));
		const past = listener();
		await processFeed().follow(doc, third, past.deliver);

		// The first two are compacted into one chunk; the fourth's publication is lost too.
		const second = (await log.read(doc, first, 1))[0]!.id;
		await log.compact(lease, [{ data: new Uint8Array([12]), mark: 'snapshot' }], second);
		const fourth = await log.append(lease, new Uint8Array([4]));
		const fifth = await log.append(lease, new Uint8Array([5]));
		await feed.publish(doc, { id: fifth, after: fourth, data: new Uint8Array([5]) });
		await eventually(() => past.ids().at(-1) === fifth, 'the fifth, past the snapshot');
		expect(past.values()).toEqual([4, 5]);
		await eventually(() => behind.ids().at(-1) === fifth, 'the fifth, behind the snapshot');
		expect(behind.values()).toEqual([12, 3, 4, 5]);

		// One that starts before the snapshot reads it, then what came after.
		const fromStart = listener();
		await processFeed().follow(doc, 0, fromStart.deliver);
		expect(fromStart.values()).toEqual([12, 3, 4, 5]);
	});

	it('delivers nothing once a follower has stopped, even what it was reading', async () => {
		let slow = false;
		const stalled = new UpdateFeed(
			redis.url,
			async (doc, after, max) => {
				if (slow) await new Promise((resolve) => setTimeout(resolve, 300));
				return log.read(doc, after, max);
			},
			{ prefix: 'test' }
		);
		feeds.push(stalled);
		const source = await owner(processFeed());
		let stopped = false;
		const afterStop: FedUpdate[] = [];
		const stop = await stalled.follow(source.doc, 0, (update) => {
			if (stopped) afterStop.push(update);
		});
		slow = true;
		await source.write(1, false);
		await source.write(2);
		// The follower is reading the first update from the log when it is stopped.
		await new Promise((resolve) => setTimeout(resolve, 50));
		await stop();
		stopped = true;
		await source.write(3);
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(afterStop).toEqual([]);
	});

	it('hears each update once, in order, whatever Redis loses or repeats (generative)', async () => {
		const step = fc.oneof(
			{ weight: 5, arbitrary: fc.constant('published' as const) },
			{ weight: 2, arbitrary: fc.constant('lost' as const) },
			{ weight: 1, arbitrary: fc.constant('repeated' as const) }
		);
		await fc.assert(
			fc.asyncProperty(
				fc.array(step, { minLength: 1, maxLength: 20 }),
				fc.nat(3),
				async (steps, startAt) => {
					const feed = processFeed();
					const source = await owner(feed);
					const written: number[] = [];
					for (let i = 0; i < startAt; i++) written.push(await source.write(100 + i));
					const other = listener();
					await processFeed().follow(source.doc, written.at(-1) ?? 0, other.deliver);
					const expected: number[] = [];
					for (const [i, kind] of steps.entries()) {
						const before = written.at(-1) ?? 0;
						const id = await source.write(i, kind !== 'lost');
						written.push(id);
						expected.push(id);
						if (kind === 'repeated') await source.republish(id, before, i);
					}
					// A last publication, as the owner's next change would bring, reveals any gap at the end.
					expected.push(await source.write(255));
					await eventually(() => other.ids().at(-1) === expected.at(-1), 'the last update');
					expect(other.ids()).toEqual(expected);
				}
			),
			{ numRuns: RUNS }
		);
	});
});
