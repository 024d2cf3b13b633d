/**
 * The write path of a document's owner in a scaled-out console (docs/scale-out.md): its updates
 * appended to the log under its lease, then published to the other processes. The appends to one
 * document commit one at a time (each waits for the lease row and the disk, migration sync-004),
 * so the updates that arrive while a commit is under way wait, and go together in the next one:
 * a document changed by many at once pays one commit per group, not per update
 * (docs/performance.md, bench:scale-log). Each update is published once its commit is durable, in
 * the log's order, naming the one before it, so followers can tell a gap (update-feed.ts).
 */
import type { Lease } from './leases';
import { StaleOwnerError, type PostgresDocumentLog } from './postgres-log';
import type { UpdateFeed } from './update-feed';

interface Waiting {
	update: Uint8Array;
	stored: (id: number) => void;
	refused: (error: unknown) => void;
}

export class OwnedDocumentLog {
	#waiting: Waiting[] = [];
	#storing = false;
	/** Why this log takes no more updates: the lease was found stale. */
	#lost: StaleOwnerError | null = null;
	/** The place of the last update stored, which the next publication names. */
	#last: number;
	/** Publications, one after the other, in the log's order. */
	#published: Promise<unknown> = Promise.resolve();

	/**
	 * `lastPlace`: the log's last place when this process loaded the document under `lease`.
	 * `feed` null: nothing is published (a console of one process).
	 */
	constructor(
		private readonly log: PostgresDocumentLog,
		private readonly feed: UpdateFeed | null,
		readonly lease: Lease,
		lastPlace: number
	) {
		this.#last = lastPlace;
	}

	/**
	 * Stores the update, with whatever else waits, and resolves with its place once its commit is
	 * durable; rejects with `StaleOwnerError` once another process owns the document, and so does
	 * every update after it.
	 */
	append(update: Uint8Array): Promise<number> {
		if (this.#lost) return Promise.reject(this.#lost);
		return new Promise((stored, refused) => {
			this.#waiting.push({ update, stored, refused });
			if (!this.#storing) void this.#storeWaiting();
		});
	}

	/** Resolves once every publication made so far has been handed to Redis, or given up. */
	published(): Promise<void> {
		return this.#published.then(() => undefined);
	}

	async #storeWaiting(): Promise<void> {
		this.#storing = true;
		while (this.#waiting.length > 0 && !this.#lost) {
			const group = this.#waiting.splice(0);
			let ids: number[];
			try {
				ids = await this.log.appendAll(
					this.lease,
					group.map((each) => each.update)
				);
			} catch (error) {
				if (error instanceof StaleOwnerError) this.#lost = error;
				for (const each of group) each.refused(error);
				continue;
			}
			group.forEach((each, index) => {
				const id = ids[index]!;
				this.#publish({ id, after: this.#last, data: each.update });
				this.#last = id;
				each.stored(id);
			});
		}
		for (const each of this.#waiting.splice(0)) each.refused(this.#lost);
		this.#storing = false;
	}

	#publish(update: { id: number; after: number; data: Uint8Array }): void {
		const feed = this.feed;
		if (!feed) return;
		// A failed publication is the feed's to publish again; the update is stored either way.
		this.#published = this.#published.then(() => feed.publish(this.lease.doc, update));
	}
}
