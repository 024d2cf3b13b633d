/**
 * The documents this process owns (docs/scale-out.md): their leases, renewed in the background at
 * a third of their length, and what happens when one is lost. A lease is lost when another process
 * took the document over (a renewal finds a newer token), or when this process could not renew it
 * for as long as it lasts (PostgreSQL unreachable, or the process was paused): from then on
 * another may have taken it over, so this process stops judging the document at once rather than
 * find out from a refused write. Either way `onLost` hears of it, once, and the document is no
 * longer held; the fencing token makes a write this process still had under way harmless.
 */
import type { DocumentLeases, Lease } from './leases';

interface Held {
	lease: Lease;
	/** When the last renewal that succeeded was sent (this process's monotonic clock). */
	renewedAt: number;
}

export interface OwnershipOptions {
	/** Hears of a document this process held and no longer does. */
	onLost: (doc: string) => void;
	/** Hears of a renewal that failed for a reason other than a lost lease. */
	onError?: (error: unknown, doc: string) => void;
	/** How often leases are renewed (default: a third of their length). */
	renewEveryMs?: number;
}

export class DocumentOwnership {
	readonly #held = new Map<string, Held>();
	readonly #timer: NodeJS.Timeout;
	#renewing: Promise<void> | null = null;

	constructor(
		private readonly leases: DocumentLeases,
		private readonly options: OwnershipOptions
	) {
		const every = options.renewEveryMs ?? leases.lengthMs / 3;
		this.#timer = setInterval(() => void this.renewAll(), every);
		this.#timer.unref();
	}

	/** Takes the document's lease if no other process holds it; null when one does. */
	async take(doc: string): Promise<Lease | null> {
		const sentAt = performance.now();
		const lease = await this.leases.acquire(doc);
		if (lease) this.#held.set(doc, { lease, renewedAt: sentAt });
		return lease;
	}

	/** The lease this process holds on the document, if it still does. */
	leaseOf(doc: string): Lease | null {
		const held = this.#held.get(doc);
		if (!held) return null;
		if (performance.now() - held.renewedAt >= this.leases.lengthMs) {
			this.#lose(doc);
			return null;
		}
		return held.lease;
	}

	/** The documents held now. */
	get documents(): string[] {
		return [...this.#held.keys()].filter((doc) => this.leaseOf(doc) !== null);
	}

	/** Renews every lease held; one renewal at a time, a call during one waits for it. */
	renewAll(): Promise<void> {
		this.#renewing ??= this.#renewEach().finally(() => {
			this.#renewing = null;
		});
		return this.#renewing;
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
		clearInterval(this.#timer);
		await this.#renewing;
		await Promise.allSettled([...this.#held.keys()].map((doc) => this.release(doc)));
	}

	async #renewEach(): Promise<void> {
		await Promise.all(
			[...this.#held].map(async ([doc, held]) => {
				const sentAt = performance.now();
				try {
					if (await this.leases.renew(held.lease)) {
						if (this.#held.get(doc) === held) held.renewedAt = sentAt;
					} else this.#lose(doc, held);
				} catch (error) {
					this.options.onError?.(error, doc);
					// Not renewed: leaseOf tells once it has lasted as long as a lease does.
					this.leaseOf(doc);
				}
			})
		);
	}

	#lose(doc: string, held = this.#held.get(doc)): void {
		if (!held || this.#held.get(doc) !== held) return;
		this.#held.delete(doc);
		this.options.onLost(doc);
	}
}
