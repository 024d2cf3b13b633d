/**
 * The accepted updates of documents, fanned out between the server processes of a scaled-out
 * console (docs/scale-out.md) through Redis pub/sub. Redis only carries news: the document's log
 * in PostgreSQL is what happened. Pub/sub keeps nothing, so a message published while a process
 * was cut off from Redis, or while Redis restarted, is lost to it; each message therefore names
 * the update it follows in the log, and a follower that sees a gap, or that connects again, reads
 * what it missed from the log before it goes on. A follower hears every update after the one it
 * started from, in the log's order, each once.
 */
import { Redis } from 'ioredis';
import type { StoredUpdate } from './persistence';

/** An update as the owner of its document publishes it, once it is in the log. */
export interface PublishedUpdate {
	/** Its number in the log. */
	id: number;
	/** The number of the update the owner appended before it (the log's last when it took over). */
	after: number;
	data: Uint8Array;
}

/** What a follower hears. */
export interface FedUpdate {
	id: number;
	data: Uint8Array;
}

/** Reads a slice of a document's log after an update (PostgresDocumentLog.read). */
export type LogReader = (doc: string, afterId: number, maxBytes: number) => Promise<StoredUpdate[]>;

export interface FeedOptions {
	/** Prefixes the channels, so that several consoles (or tests) can share one Redis. */
	prefix?: string;
	/** Hears of what went wrong underneath: Redis unreachable, a log that could not be read. */
	onError?: (error: unknown) => void;
}

/** How much of a log a follower reads at a time when it catches up. */
const CATCH_UP_BYTES = 1 << 20;
/** The header of a message: the update's number and the one it follows, as doubles. */
const HEADER_BYTES = 16;

export class UpdateFeed {
	readonly #publisher: Redis;
	readonly #subscriber: Redis;
	readonly #followers = new Map<string, Set<Follower>>();
	/**
	 * The last update of each document whose publication failed: published again once Redis
	 * answers, so that a follower of a document that changes no more still learns of it.
	 */
	readonly #unpublished = new Map<string, PublishedUpdate>();
	/** Each followed document's subscription, confirmed once Redis has made it. */
	readonly #subscriptions = new Map<string, Promise<unknown>>();
	readonly #prefix: string;
	readonly #onError: (error: unknown) => void;

	constructor(
		redisUrl: string,
		private readonly readLog: LogReader,
		options: FeedOptions = {}
	) {
		this.#prefix = `${options.prefix ?? 'console'}:updates:`;
		this.#onError = options.onError ?? (() => {});
		// Publications that cannot go out now are not queued: the updates are in the log, and only
		// each document's last one is kept, to publish again once Redis answers (#unpublished).
		this.#publisher = new Redis(redisUrl, { enableOfflineQueue: false });
		// Subscriptions are made again by hand on every connection, so that a follower catches up
		// only once Redis has confirmed them (see #resubscribe). No ready check: it is an INFO,
		// which Redis refuses on a connection a subscription went out on as it opened, and the
		// client would then open another, losing what was published meanwhile (measured: the first
		// updates of a new follower heard 80 ms late, read back from the log).
		this.#subscriber = new Redis(redisUrl, { autoResubscribe: false, enableReadyCheck: false });
		this.#publisher.on('error', this.#onError);
		this.#subscriber.on('error', this.#onError);
		this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) =>
			this.#heard(channel.toString(), message)
		);
		this.#publisher.on('ready', () => void this.#publishAgain());
		// On every connection, the first too: a subscription sent while the client was still
		// connecting can be lost with the connection it was sent on.
		this.#subscriber.on('ready', () => void this.#resubscribe());
	}

	/**
	 * Tells the other processes of an update in the log. False when Redis could not be told now:
	 * the document's last such update is published again once Redis answers, and followers read
	 * whatever they missed from the log.
	 */
	async publish(doc: string, update: PublishedUpdate): Promise<boolean> {
		const message = Buffer.alloc(HEADER_BYTES + update.data.byteLength);
		message.writeDoubleBE(update.id, 0);
		message.writeDoubleBE(update.after, 8);
		message.set(update.data, HEADER_BYTES);
		try {
			await this.#publisher.publish(this.#prefix + doc, message);
			if (this.#unpublished.get(doc)?.id === update.id) this.#unpublished.delete(doc);
			return true;
		} catch (error) {
			const waiting = this.#unpublished.get(doc);
			if (!waiting || waiting.id < update.id) this.#unpublished.set(doc, update);
			this.#onError(error);
			return false;
		}
	}

	async #publishAgain(): Promise<void> {
		for (const [doc, update] of [...this.#unpublished]) await this.publish(doc, update);
	}

	/**
	 * Hears every update of the document's log after update `afterId`, in order, each once, until
	 * the returned function is called; `deliver` is never called twice at once.
	 */
	async follow(
		doc: string,
		afterId: number,
		deliver: (update: FedUpdate) => void
	): Promise<() => Promise<void>> {
		const follower = new Follower(doc, afterId, deliver, this.readLog);
		let followers = this.#followers.get(doc);
		if (!followers) {
			followers = new Set();
			this.#followers.set(doc, followers);
		}
		followers.add(follower);
		const unfollow = async () => {
			await follower.stop();
			followers.delete(follower);
			if (followers.size === 0 && this.#followers.get(doc) === followers) {
				this.#followers.delete(doc);
				this.#subscriptions.delete(doc);
				await this.#subscriber.unsubscribe(this.#prefix + doc).catch(this.#onError);
			}
		};
		let subscribed = this.#subscriptions.get(doc);
		if (!subscribed) {
			subscribed = this.#subscriber.subscribe(this.#prefix + doc);
			this.#subscriptions.set(doc, subscribed);
		}
		try {
			await subscribed;
			// Subscribed: whatever Redis passes on from now is heard, and the log holds what came
			// before.
			await follower.catchUp();
		} catch (error) {
			// Redis or the log did not answer: the caller may try again, from the same place.
			if (this.#subscriptions.get(doc) === subscribed) this.#subscriptions.delete(doc);
			await unfollow();
			throw error;
		}
		return unfollow;
	}

	/** Closes both connections to Redis. */
	async close(): Promise<void> {
		const followers = [...this.#followers.values()].flatMap((each) => [...each]);
		this.#followers.clear();
		this.#subscriptions.clear();
		this.#unpublished.clear();
		await Promise.all(followers.map((follower) => follower.stop()));
		await Promise.allSettled([this.#publisher.quit(), this.#subscriber.quit()]);
	}

	#heard(channel: string, message: Buffer): void {
		if (!channel.startsWith(this.#prefix) || message.byteLength < HEADER_BYTES) return;
		const followers = this.#followers.get(channel.slice(this.#prefix.length));
		if (!followers) return;
		const id = message.readDoubleBE(0);
		const after = message.readDoubleBE(8);
		// A copy: the message is a view into the Redis client's buffers, which outlive no delivery.
		const data = Uint8Array.prototype.slice.call(message, HEADER_BYTES);
		for (const follower of followers)
			follower.heard(id, after, data).catch((error: unknown) => this.#onError(error));
	}

	/** After Redis came back: subscribe again, then read from the logs what was missed meanwhile. */
	async #resubscribe(): Promise<void> {
		const channels = [...this.#followers.keys()].map((doc) => this.#prefix + doc);
		if (channels.length === 0) return;
		try {
			await this.#subscriber.subscribe(...channels);
		} catch (error) {
			// The connection went again; the next 'ready' tries again.
			this.#onError(error);
			return;
		}
		for (const followers of this.#followers.values())
			for (const follower of followers)
				follower.catchUp().catch((error: unknown) => this.#onError(error));
	}
}

/** One follower of one document: where it is in the log, and its work in order. */
class Follower {
	#last: number;
	#queue: Promise<void> = Promise.resolve();
	#stopped = false;

	constructor(
		readonly doc: string,
		afterId: number,
		private readonly deliver: (update: FedUpdate) => void,
		private readonly readLog: LogReader
	) {
		this.#last = afterId;
	}

	heard(id: number, after: number, data: Uint8Array): Promise<void> {
		return this.#inTurn(async () => {
			if (id <= this.#last) return;
			if (after === this.#last) this.#take({ id, data });
			else await this.#readMissed();
		});
	}

	catchUp(): Promise<void> {
		return this.#inTurn(() => this.#readMissed());
	}

	/** Delivers nothing more, once the work under way has ended. */
	async stop(): Promise<void> {
		this.#stopped = true;
		await this.#queue;
	}

	async #readMissed(): Promise<void> {
		while (!this.#stopped) {
			const updates = await this.readLog(this.doc, this.#last, CATCH_UP_BYTES);
			if (updates.length === 0) return;
			for (const update of updates) if (update.id > this.#last) this.#take(update);
		}
	}

	#take(update: FedUpdate): void {
		if (this.#stopped) return;
		this.#last = update.id;
		this.deliver({ id: update.id, data: update.data });
	}

	/**
	 * Runs `work` after the follower's earlier work. Its failure is the caller's to report; the
	 * work after it runs all the same.
	 */
	#inTurn(work: () => Promise<void>): Promise<void> {
		const run = this.#queue.then(() => (this.#stopped ? undefined : work()));
		this.#queue = run.catch(() => {});
		return run;
	}
}
