/**
 * Sockets whose document is loading (registry `open`): what each client sends meanwhile is kept,
 * in order, for its connection to handle once open, within what its rate limit would let through;
 * and each session's waiting sockets count towards its connections.
 */
import type { WebSocket } from 'ws';
import type { SyncLimits } from './limits';

/** A message a client sent before its connection was open (while its document loaded). */
export interface EarlyMessage {
	data: Buffer;
	isBinary: boolean;
}

/**
 * What a client sends while its document loads: kept, in order, for its connection to handle once
 * open. A client that sends more than a burst's worth of messages (or bytes) before then is
 * refused, as its connection's rate limit would refuse it.
 */
export class EarlyMessages {
	readonly #messages: EarlyMessage[] = [];
	#bytes = 0;
	/** The socket closed before its connection opened. */
	gone = false;
	overflowed = false;
	readonly #onMessage = (data: Buffer, isBinary: boolean) => {
		this.#bytes += data.byteLength;
		if (
			this.#messages.length >= this.limits.messageBurst ||
			this.#bytes > 2 * this.limits.maxMessageBytes
		) {
			this.overflowed = true;
			return;
		}
		this.#messages.push({ data, isBinary });
	};
	readonly #onClose = () => (this.gone = true);

	constructor(
		private readonly ws: WebSocket,
		private readonly limits: SyncLimits
	) {
		ws.on('message', this.#onMessage);
		ws.on('close', this.#onClose);
		// A socket that fails (a frame over the size limit) closes by itself; listened to, so that
		// its error is no uncaught one, whatever became of the connection.
		ws.on('error', () => undefined);
	}

	/** Stops listening; the messages kept, in the order they came. */
	stop(): EarlyMessage[] {
		this.ws.off('message', this.#onMessage);
		this.ws.off('close', this.#onClose);
		return this.#messages;
	}
}

/** The sockets waiting for their document, and how many of them each session has. */
export class WaitingSockets {
	readonly #sockets = new Set<WebSocket>();
	readonly #bySession = new Map<string, number>();

	constructor(private readonly limits: SyncLimits) {}

	/** Starts keeping what the socket's client sends until its connection opens. */
	add(ws: WebSocket, sessionId: string): EarlyMessages {
		this.#sockets.add(ws);
		this.#bySession.set(sessionId, this.count(sessionId) + 1);
		return new EarlyMessages(ws, this.limits);
	}

	remove(ws: WebSocket, sessionId: string): void {
		if (!this.#sockets.delete(ws)) return;
		const left = this.count(sessionId) - 1;
		if (left > 0) this.#bySession.set(sessionId, left);
		else this.#bySession.delete(sessionId);
	}

	count(sessionId: string): number {
		return this.#bySession.get(sessionId) ?? 0;
	}

	sockets(): WebSocket[] {
		return [...this.#sockets];
	}
}
