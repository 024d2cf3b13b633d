/**
 * Sockets whose document is loading (registry `open`): what each client sends meanwhile is kept,
 * in order, for its connection to handle once open, within what its rate limit would let through;
 * and each session's waiting sockets count towards its connections. A client whose first message
 * asks for the whole document may be answered before then, from the document's stored state.
 */
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { StoredState } from './document-load';
import type { SyncLimits } from './limits';
import { MESSAGE_SYNC } from './live-document';

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
	/**
	 * Whether the client's first message, a sync step 1 from nothing, was answered with the stored
	 * state (`offerStoredState`): its connection then sends it only what changed since.
	 */
	answeredFromStore = false;
	#offer: { state: StoredState; answer: (state: StoredState) => boolean } | null = null;
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
		if (this.#messages.length === 1) this.#answerFromStore();
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

	/**
	 * The document's stored state, while it loads: if the client's first message (come or to come)
	 * asks for the whole document, `answer` may send it this state in reply, and says whether it
	 * did; the message is then answered, not kept.
	 */
	offerStoredState(state: StoredState, answer: (state: StoredState) => boolean): void {
		this.#offer = { state, answer };
		this.#answerFromStore();
	}

	#answerFromStore(): void {
		const offer = this.#offer;
		const first = this.#messages[0];
		if (!offer || !first || this.gone || this.overflowed) return;
		this.#offer = null;
		if (!asksForEverything(first) || !offer.answer(offer.state)) return;
		this.#messages.shift();
		this.answeredFromStore = true;
	}

	/** Stops listening; the messages kept, in the order they came. */
	stop(): EarlyMessage[] {
		this.#offer = null;
		this.ws.off('message', this.#onMessage);
		this.ws.off('close', this.#onClose);
		return this.#messages;
	}
}

/** Whether a message is a sync step 1 from a client that has nothing of the document. */
function asksForEverything({ data, isBinary }: EarlyMessage): boolean {
	if (!isBinary) return false;
	try {
		const decoder = decoding.createDecoder(
			new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
		);
		return (
			decoding.readVarUint(decoder) === MESSAGE_SYNC &&
			decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep1 &&
			Y.decodeStateVector(decoding.readVarUint8Array(decoder)).size === 0 &&
			!decoding.hasContent(decoder)
		);
	} catch {
		// Unreadable: left for the connection, which closes on it.
		return false;
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
