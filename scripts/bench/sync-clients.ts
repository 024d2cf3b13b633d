/**
 * The one client driver of the sync benchmarks: the y-websocket sync protocol (y-protocols/sync)
 * over `ws`, as the y-websocket provider speaks it, for every server compared. Hocuspocus frames
 * the same messages with the document's name and waits for an authentication message first (its
 * own provider's dialect); that framing is the only difference.
 *
 * A writer keeps a Y.Doc and sends its own changes; a receiver keeps no document: it reads the
 * stamps (`updatedAt`) out of each update it is sent, which is what counts a delivery and times it.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const SYNC = 0;

export interface Dialect {
	/** The address of a document on a server listening at `base` (http://host:port). */
	address(base: string, documentName: string): string;
	/** What is sent once the socket is open, before any sync message. */
	greeting(documentName: string): Uint8Array[];
	frame(documentName: string, write: (encoder: encoding.Encoder) => void): Uint8Array;
	/** The decoder past the framing, or null for a message of another document. */
	unframe(documentName: string, data: Uint8Array): decoding.Decoder | null;
}

export const yWebsocketDialect = (path: string): Dialect => ({
	address: (base, documentName) => `${base.replace(/^http/, 'ws')}${path}${documentName}`,
	greeting: () => [],
	frame: (_, write) => {
		const encoder = encoding.createEncoder();
		write(encoder);
		return encoding.toUint8Array(encoder);
	},
	unframe: (_, data) => decoding.createDecoder(data)
});

export const hocuspocusDialect: Dialect = {
	address: (base) => base.replace(/^http/, 'ws'),
	greeting: (documentName) => {
		const encoder = encoding.createEncoder();
		encoding.writeVarString(encoder, documentName);
		encoding.writeVarUint(encoder, 2); // Auth
		encoding.writeVarUint(encoder, 0); // a token
		encoding.writeVarString(encoder, '');
		return [encoding.toUint8Array(encoder)];
	},
	frame: (documentName, write) => {
		const encoder = encoding.createEncoder();
		encoding.writeVarString(encoder, documentName);
		write(encoder);
		return encoding.toUint8Array(encoder);
	},
	unframe: (documentName, data) => {
		const decoder = decoding.createDecoder(data);
		return decoding.readVarString(decoder) === documentName ? decoder : null;
	}
};

export interface ClientOptions {
	dialect: Dialect;
	base: string;
	documentName: string;
	headers: Record<string, string>;
	/** Told how the socket closed: its code, and the error that closed it if any. */
	onClose: (how: string) => void;
}

function openSocket(options: ClientOptions): WebSocket {
	const socket = new WebSocket(options.dialect.address(options.base, options.documentName), {
		headers: options.headers,
		origin: new URL(options.base).origin
	});
	socket.binaryType = 'arraybuffer';
	let failure = '';
	socket.on('error', (error) => (failure = error.message));
	socket.on('close', (code) => options.onClose(failure ? `${code}: ${failure}` : String(code)));
	return socket;
}

/** A client that edits: it holds the whole document and sends each change it makes. */
export class Writer {
	readonly doc = new Y.Doc();
	readonly socket: WebSocket;
	synced = false;
	/** When the first full state came, in performance.now() time. */
	syncedAt = 0;
	/** When the first message carrying state (an update, or the sync step 2) came. */
	firstStateAt = 0;
	/** When the server first asked for the client's state (its sync step 1): its copy is loaded. */
	askedAt = 0;
	/** Bytes of the messages carrying state that came until the first full state. */
	stateBytes = 0;

	constructor(private readonly options: ClientOptions) {
		const { dialect, documentName } = options;
		this.socket = openSocket(options);
		this.socket.on('open', () => {
			for (const message of dialect.greeting(documentName)) this.socket.send(message);
			this.send((encoder) => {
				encoding.writeVarUint(encoder, SYNC);
				syncProtocol.writeSyncStep1(encoder, this.doc);
			});
		});
		this.socket.on('message', (data: ArrayBuffer) => this.receive(new Uint8Array(data)));
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this) return;
			this.send((encoder) => {
				encoding.writeVarUint(encoder, SYNC);
				syncProtocol.writeUpdate(encoder, update);
			});
		});
	}

	private send(write: (encoder: encoding.Encoder) => void): void {
		if (this.socket.readyState !== WebSocket.OPEN) return;
		this.socket.send(this.options.dialect.frame(this.options.documentName, write));
	}

	private receive(data: Uint8Array): void {
		const decoder = this.options.dialect.unframe(this.options.documentName, data);
		if (!decoder || decoding.readVarUint(decoder) !== SYNC) return;
		const asks = decoding.peekVarUint(decoder) === syncProtocol.messageYjsSyncStep1;
		if (asks && this.askedAt === 0) this.askedAt = performance.now();
		if (!asks && this.firstStateAt === 0) this.firstStateAt = performance.now();
		if (!asks && !this.synced) this.stateBytes += data.byteLength;
		const reply = encoding.createEncoder();
		encoding.writeVarUint(reply, SYNC);
		const kind = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
		if (encoding.length(reply) > 1) {
			const body = encoding.toUint8Array(reply);
			this.send((encoder) => encoding.writeUint8Array(encoder, body));
		}
		if (kind === syncProtocol.messageYjsSyncStep2 && !this.synced) {
			this.synced = true;
			this.syncedAt = performance.now();
		}
	}

	close(): void {
		this.socket.close();
	}
}

/** A client that only receives: it is sent the full state once, then every change. */
export class Receiver {
	readonly socket: WebSocket;
	synced = false;

	constructor(
		private readonly options: ClientOptions,
		private readonly onStamp: (stamp: number) => void
	) {
		const { dialect, documentName } = options;
		this.socket = openSocket(options);
		this.socket.on('open', () => {
			for (const message of dialect.greeting(documentName)) this.socket.send(message);
			this.socket.send(
				dialect.frame(documentName, (encoder) => {
					encoding.writeVarUint(encoder, SYNC);
					syncProtocol.writeSyncStep1(encoder, new Y.Doc());
				})
			);
		});
		this.socket.on('message', (data: ArrayBuffer) => this.receive(new Uint8Array(data)));
	}

	private receive(data: Uint8Array): void {
		const decoder = this.options.dialect.unframe(this.options.documentName, data);
		if (!decoder || decoding.readVarUint(decoder) !== SYNC) return;
		const kind = decoding.readVarUint(decoder);
		if (kind === syncProtocol.messageYjsSyncStep2) this.synced = true;
		if (kind !== syncProtocol.messageYjsUpdate) return;
		for (const stamp of stampsIn(decoding.readVarUint8Array(decoder))) this.onStamp(stamp);
	}

	close(): void {
		this.socket.close();
	}
}

/** The `updatedAt` of every entry an update writes. */
export function stampsIn(update: Uint8Array): number[] {
	const stamps: number[] = [];
	for (const struct of Y.decodeUpdate(update).structs) {
		const content = (struct as { content?: { arr?: unknown[] } }).content;
		for (const value of content?.arr ?? []) {
			const stamp = (value as { updatedAt?: unknown } | null)?.updatedAt;
			if (typeof stamp === 'number') stamps.push(stamp);
		}
	}
	return stamps;
}
