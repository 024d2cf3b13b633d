/**
 * A fixed-window rate limiter kept in memory: each key (an IP address, an email address) may
 * spend `limit` requests per window. Fixed windows allow a burst of up to twice the limit across a
 * window boundary, which is acceptable for slowing guessing and mail flooding and needs one small
 * record per key. Memory is bounded: past `maxKeys`, finished windows are dropped first, then the
 * oldest keys. One process only; a scaled-out deployment would keep the counters in Redis.
 */
import { OK, fail, type Outcome } from '../../src/lib/shared/outcome';

export interface RateLimitOptions {
	/** Requests allowed per key and window. */
	limit: number;
	/** Window length in milliseconds. */
	windowMs: number;
	/**
	 * Keys tracked at most. Without a bound, a client inventing a new email address (or IPv6
	 * address) per request would grow the map until the process runs out of memory.
	 * @default 10000
	 */
	maxKeys?: number;
	/** The clock; tests move it forward instead of sleeping. @default Date.now */
	now?: () => number;
	/** Told of every refusal (the metrics count them by limit). */
	onRefused?: () => void;
}

export type RateLimitDecision = Outcome<object, 'rate-limited', { retryAfterSeconds: number }>;

interface Window {
	startedAt: number;
	count: number;
}

export class RateLimiter {
	readonly #windows = new Map<string, Window>();
	readonly #limit: number;
	readonly #windowMs: number;
	readonly #maxKeys: number;
	readonly #now: () => number;
	readonly #onRefused: (() => void) | undefined;

	constructor(options: RateLimitOptions) {
		this.#limit = options.limit;
		this.#windowMs = options.windowMs;
		this.#maxKeys = options.maxKeys ?? 10_000;
		this.#now = options.now ?? Date.now;
		this.#onRefused = options.onRefused;
	}

	/**
	 * Counts one request for `key` (or `amount` at once, all or none), or says how long to wait
	 * when its window has not that much left.
	 */
	consume(key: string, amount = 1): RateLimitDecision {
		const now = this.#now();
		let window = this.#windows.get(key);
		if (!window || now - window.startedAt >= this.#windowMs) {
			this.#windows.delete(key);
			this.#makeRoom(now);
			window = { startedAt: now, count: 0 };
			this.#windows.set(key, window);
		}
		if (window.count + amount > this.#limit) {
			this.#onRefused?.();
			const retryAfterMs = window.startedAt + this.#windowMs - now;
			return tooMany(Math.max(1, Math.ceil(retryAfterMs / 1000)));
		}
		window.count += amount;
		return OK;
	}

	/** How many keys are tracked (for tests of the memory bound). */
	get size(): number {
		return this.#windows.size;
	}

	/**
	 * A key is (re-)inserted whenever its window starts, so the map is in order of window start:
	 * the first entries are the finished windows, then the oldest. Dropping from the front keeps
	 * this O(1) per request, amortized.
	 */
	#makeRoom(now: number): void {
		for (const [key, window] of this.#windows) {
			const finished = now - window.startedAt >= this.#windowMs;
			if (!finished && this.#windows.size < this.#maxKeys) break;
			this.#windows.delete(key);
		}
	}
}

/**
 * The failure of a spent window. Its message is for clients that word nothing themselves; the
 * console words `retryAfterSeconds` (src/lib/failure-wording.ts).
 */
function tooMany(wait: number): RateLimitDecision {
	const when = wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
	return fail('rate-limited', `Too many attempts. Try again in ${when}.`, {
		retryAfterSeconds: wait
	});
}
