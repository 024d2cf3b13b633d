/**
 * The documents this process owns (docs/scale-out.md): their leases, renewed in the background at
 * a third of their length, and what happens when one is lost. A lease is lost when another process
 * took the document over (a renewal finds a newer token), or when this process could not renew it
 * for as long as it lasts (PostgreSQL unreachable or slow, or the process paused): from then on
 * another may have taken it over, so this process stops judging the document at once rather than
 * find out from a refused write. Either way `onLost` hears of it, once, and the document is no
 * longer held; taking it again gives a new token, so a write this process still had under way
 * under the old one is refused.
 *
 * Each document's lease is renewed on its own: a renewal that waits (for the lease row, which a
 * compaction of that document locks for a moment, or for a database that does not answer) holds
 * up no other. Every tick also checks each lease against its deadline, whatever its renewal is
 * doing.
 */
import type { DocumentLeases, Lease } from './leases';

interface Held {
	lease: Lease;
	/**
	 * Until when this process may take the lease as its own (its monotonic clock): the lease's
	 * length after the last renewal that succeeded was sent, which is no later than the database's
	 * own deadline for it.
	 */
	deadline: number;
	/** A renewal under way. */
	renewing: boolean;
}

export interface OwnershipOptions {
	/** Hears of a document this process held and no longer does. */
	onLost: (doc: string) => void;
	/** Hears of a renewal that failed for a reason other than a lost lease. */
	onError?: (error: unknown, doc: string) => void;
	/** How often leases are renewed and their deadlines checked (default: a third of their length). */
	renewEveryMs?: number;
}

export class DocumentOwnership {
	readonly #held = new Map<string, Held>();
	readonly #timer: NodeJS.Timeout;
	#stopped = false;

	constructor(
		private readonly leases: DocumentLeases,
		private readonly options: OwnershipOptions
	) {
		const every = options.renewEveryMs ?? leases.lengthMs / 3;
		this.#timer = setInterval(() => void this.renewAll(), every);
		this.#timer.unref();
	}

	/**
	 * The document's lease: the one this process holds still, or a new one if no other process
	 * holds it; null when one does (or this process is stopping).
	 */
	async take(doc: string): Promise<Lease | null> {
		const held = this.leaseOf(doc);
		if (held || this.#stopped) return held;
		const sentAt = performance.now();
		const lease = await this.leases.acquire(doc);
		if (!lease) return null;
		if (this.#stopped) {
			await this.leases.release(lease);
			return null;
		}
		this.#held.set(doc, { lease, deadline: sentAt + this.leases.lengthMs, renewing: false });
		return lease;
	}

	/** The lease this process holds on the document, if it still does. */
	leaseOf(doc: string): Lease | null {
		const held = this.#held.get(doc);
		if (!held) return null;
		if (performance.now() >= held.deadline) {
			this.#lose(doc, held);
			return null;
		}
		return held.lease;
	}

	/** The documents held now. */
	get documents(): string[] {
		return [...this.#held.keys()].filter((doc) => this.leaseOf(doc) !== null);
	}

	/**
	 * Gives up the leases past their deadline, and renews each of the others that has no renewal
	 * under way; resolves once the renewals it started have ended.
	 */
	async renewAll(): Promise<void> {
		await Promise.all(
			[...this.#held.keys()].map((doc) => {
				const held = this.#held.get(doc);
				if (!held || this.leaseOf(doc) === null || held.renewing) return undefined;
				return this.#renew(doc, held);
			})
		);
	}

	/** Lets the document go, so that another process may take it at once. */
	async release(doc: string): Promise<void> {
		const held = this.#held.get(doc);
		if (!held) return;
		this.#held.delete(doc);
		await this.leases.release(held.lease);
	}

	/** Stops renewing and lets every document go (a process shutting down). */
	async stop(): Promise<void> {
		this.#stopped = true;
		clearInterval(this.#timer);
		await Promise.allSettled([...this.#held.keys()].map((doc) => this.release(doc)));
	}

	async #renew(doc: string, held: Held): Promise<void> {
		held.renewing = true;
		const sentAt = performance.now();
		try {
			if (await this.leases.renew(held.lease)) {
				if (this.#held.get(doc) === held) held.deadline = sentAt + this.leases.lengthMs;
			} else this.#lose(doc, held);
		} catch (error) {
			// Not renewed: the lease is given up once its deadline passes, on a tick or when asked for.
			this.options.onError?.(error, doc);
		} finally {
			held.renewing = false;
		}
	}

	#lose(doc: string, held: Held): void {
		if (this.#held.get(doc) !== held) return;
		this.#held.delete(doc);
		this.options.onLost(doc);
	}
}
