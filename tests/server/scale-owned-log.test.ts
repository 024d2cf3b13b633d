/**
 * The owner's write path (server/sync/owned-log.ts) against a real PostgreSQL and Redis: updates
 * that arrive while a commit is under way go together in the next one, in the order they came;
 * each is published once stored, and another process hears each once, in order, without reading
 * the log; a takeover refuses everything after it; Redis down delays news, never a write.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DocumentLeases, type Lease } from '../../server/sync/leases';
import { OwnedDocumentLog } from '../../server/sync/owned-log';
import { PostgresDocumentLog, StaleOwnerError } from '../../server/sync/postgres-log';
import { UpdateFeed, type FedUpdate } from '../../server/sync/update-feed';
import { eventually } from '../support/eventually';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startRedis, type TestRedis } from '../support/redis';

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

/** A process's feed; `reads` counts the times it had to read the log. */
function processFeed() {
	const counted = { reads: 0 };
	const feed = new UpdateFeed(
		redis.url,
		(doc, after, max) => {
			counted.reads++;
			return log.read(doc, after, max);
		},
		{ prefix: 'owned' }
	);
	feeds.push(feed);
	return Object.assign(counted, { feed });
}

let documents = 0;
async function ownedDocument(feed: UpdateFeed | null) {
	const doc = `project/owned-${++documents}`;
	const lease = (await new DocumentLeases(postgres.pool, 'owner', 60_000).acquire(doc)) as Lease;
	// The groups the owner writes, as PostgreSQL receives them.
	const groups: number[] = [];
	const observed = new PostgresDocumentLog(postgres.pool);
	const appendAll = observed.appendAll.bind(observed);
	observed.appendAll = (held, updates) => {
		groups.push(updates.length);
		return appendAll(held, updates);
	};
	return { doc, owned: new OwnedDocumentLog(observed, feed, lease, 0), groups };
}

const bytes = (value: number) => new Uint8Array([value]);

describe("the owner's write path", () => {
	it('stores what arrives meanwhile in one commit, in the order it came, and another process hears each once', async () => {
		const owner = processFeed();
		const { doc, owned, groups } = await ownedDocument(owner.feed);
		const other = processFeed();
		const heard: FedUpdate[] = [];
		await other.feed.follow(doc, 0, (update) => heard.push(update));
		const readsBefore = other.reads;

		const places = await Promise.all(Array.from({ length: 100 }, (_, i) => owned.append(bytes(i))));
		expect(places).toEqual([...places].sort((a, b) => a - b));
		expect(new Set(places).size).toBe(100);
		// The first update went alone; the rest waited for it and went in far fewer commits.
		expect(groups[0]).toBe(1);
		expect(groups.length).toBeLessThan(100);
		expect(groups.reduce((sum, size) => sum + size, 0)).toBe(100);

		const stored = await log.read(doc, 0, 1 << 20);
		expect(stored.map((update) => [update.id, update.data[0]])).toEqual(
			places.map((id, i) => [id, i])
		);
		await eventually(() => heard.length === 100, 'every update');
		expect(heard.map((update) => update.id)).toEqual(places);
		expect(heard.map((update) => update.data[0])).toEqual(places.map((_, i) => i));
		// Each publication named the one before it: the other process never had to read the log.
		expect(other.reads).toBe(readsBefore);
	});

	it('refuses the update under way and every one after, once another process took over', async () => {
		const { doc, owned } = await ownedDocument(null);
		const before = await Promise.all([1, 2, 3].map((value) => owned.append(bytes(value))));
		await postgres.pool.query('UPDATE doc_leases SET expires_at = now() WHERE doc = $1', [doc]);
		await new DocumentLeases(postgres.openPool(), 'other', 60_000).acquire(doc);

		const after = await Promise.allSettled([4, 5, 6].map((value) => owned.append(bytes(value))));
		for (const outcome of after) {
			expect(outcome.status).toBe('rejected');
			expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StaleOwnerError);
		}
		await expect(owned.append(bytes(7))).rejects.toBeInstanceOf(StaleOwnerError);
		expect((await log.read(doc, 0, 1 << 20)).map((update) => update.id)).toEqual(before);
	});

	it('stores every update while Redis is down, and the other process hears them once it is back', async () => {
		const owner = processFeed();
		const { doc, owned } = await ownedDocument(owner.feed);
		const other = processFeed();
		const heard: FedUpdate[] = [];
		await other.feed.follow(doc, 0, (update) => heard.push(update));
		const first = await owned.append(bytes(1));
		await eventually(() => heard.length === 1, 'the first update');

		await redis.kill();
		const whileDown = await Promise.all([2, 3, 4].map((value) => owned.append(bytes(value))));
		await owned.published();
		await redis.start();
		await eventually(() => heard.length === 4, 'the updates stored while Redis was down');
		expect(heard.map((update) => update.id)).toEqual([first, ...whileDown]);
	});
});
