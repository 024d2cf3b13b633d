/**
 * The limits of the sync endpoint. Each exists because a client, authenticated or not, could
 * otherwise spend the server's memory or CPU on everybody else's behalf.
 */
import type { ValueLimits } from './value-grammar';

export interface SyncLimits extends ValueLimits {
	/**
	 * Entries (map values) one message may carry. An offline session's worth of membership edits
	 * is far below it; a message over it is refused whole before it touches the document.
	 * @default 1000
	 */
	maxEntriesPerMessage: number;
	/**
	 * Client IDs one message may add to a document, and one connection over its life. A browser
	 * tab writes with one client ID; an offline copy brings those of earlier tabs. Every client ID
	 * stays in the document's state vector for good, so this bounds what one connection adds.
	 * @default 16 per message, 64 per connection
	 */
	maxNewClientsPerMessage: number;
	maxNewClientsPerConnection: number;
	/**
	 * Client IDs one connection may publish presence for (a tab has one).
	 * @default 4
	 */
	maxPresenceClients: number;
	/**
	 * The largest message accepted. A larger one closes the connection with 4413; the socket layer
	 * refuses frames over twice this size outright (1009) without buffering them.
	 * @default 2097152 (2 MiB: far above a session's worth of offline membership edits)
	 */
	maxMessageBytes: number;
	/**
	 * Messages per second a connection may send on average, and the burst it may save up. Over the
	 * limit the connection closes with 4529 and the client reconnects after a backoff.
	 * @default 50 per second, bursts of 200
	 */
	messagesPerSecond: number;
	messageBurst: number;
	/**
	 * Sync step 1 requests one session may send, over all its connections, per minute on average,
	 * and the burst it may save up. Each is answered with what the client lacks, which for a
	 * client that has little is work and bytes the size of the whole document (hundreds of
	 * milliseconds for 50,000 members), so the message rate alone would let one reader keep the
	 * process busy. A console asks once per document it opens (a handful on a page load, again
	 * after a reconnect). Over the limit the connection closes with 4529.
	 * @default 20 per minute, bursts of 32
	 */
	stateRequestsPerMinute: number;
	stateRequestBurst: number;
	/**
	 * Open connections per session. y-websocket opens one connection per document, so this bounds
	 * the documents one session holds open at once.
	 * @default 64
	 */
	maxConnectionsPerSession: number;
	/**
	 * Sync step 1 requests sent to one connection in a row because its updates referred to content
	 * the server lacked; past this the client's copy is reset (4400).
	 * @default 3
	 */
	maxResyncs: number;
	/**
	 * How often the server pings each connection; one that has not answered the previous ping is
	 * dropped, so that a client that vanished without closing (a laptop lid, a killed tab) leaves
	 * the document, its presence and its hold on memory.
	 * @default 15000
	 */
	heartbeatMs: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
	maxDepth: 32,
	maxKeyLength: 200,
	maxEntryChars: 65_536,
	maxEntriesPerMessage: 1000,
	maxNewClientsPerMessage: 16,
	maxNewClientsPerConnection: 64,
	maxPresenceClients: 4,
	maxMessageBytes: 2 * 1024 * 1024,
	messagesPerSecond: 50,
	messageBurst: 200,
	stateRequestsPerMinute: 20,
	stateRequestBurst: 32,
	maxConnectionsPerSession: 64,
	maxResyncs: 3,
	heartbeatMs: 15_000
};

/** A token bucket: `take()` is false once the burst is spent faster than the rate refills it. */
export class TokenBucket {
	#tokens: number;
	#last: number;

	constructor(
		private readonly rate: number,
		private readonly burst: number,
		private readonly now: () => number = () => performance.now()
	) {
		this.#tokens = burst;
		this.#last = now();
	}

	take(): boolean {
		this.#refill();
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}

	/** Whether it is back to its whole burst: a bucket kept per key may then be forgotten. */
	get full(): boolean {
		this.#refill();
		return this.#tokens >= this.burst;
	}

	#refill(): void {
		const now = this.now();
		this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate);
		this.#last = now;
	}
}
