/**
 * What an attacker with a raw y-websocket client sends, and a witness that records every byte the
 * server sends to another member: for the adversarial sync tests. Nothing here goes through the
 * stock provider, so nothing is filtered or repaired on the way.
 *
 * - `RawPeer`: one WebSocket to a document that keeps what it receives (a Y.Doc and the presence
 *   states, as a client would), every raw message, the verdicts addressed to it and its close.
 *   `settle()` waits until the server has handled everything sent before (it answers a sync step 1
 *   in order), which makes every test step deterministic without sleeping.
 * - Update builders: an update written on top of the server's state with a chosen clientID, an
 *   update of GC structs only, a presence message for many clientIDs.
 * - `canonicalText`: a stable text of a value that tells apart what JSON would blur (NaN and null,
 *   a BigInt, an undefined field, a Uint8Array, an object whose prototype was replaced).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MESSAGE_VERDICT, VerdictSchema, type Verdict } from '../../src/lib/shared';
import type { TestServer } from './server';
import { sessionCookieFor, syncMessage } from './sync';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export interface Presence {
	user?: { accountId?: string; name?: string };
}

export class RawPeer {
	readonly doc = new Y.Doc();
	readonly awareness = new Awareness(this.doc);
	/** Every message the server sent, as it arrived. */
	readonly received: Uint8Array[] = [];
	readonly verdicts: Verdict[] = [];
	/** Verdicts that are not what VerdictSchema says one is (reported by `settle`). */
	readonly malformedVerdicts: string[] = [];
	closed: { code: number; reason: string } | null = null;
	readonly opened: Promise<boolean>;
	readonly #ws: WebSocket;
	#probes = 0;
	#answers = 0;

	constructor(
		server: Pick<TestServer, 'url' | 'origin' | 'app'>,
		readonly accountId: string,
		readonly documentName: string
	) {
		this.awareness.setLocalState(null);
		this.#ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/sync/${documentName}`, {
			headers: { cookie: sessionCookieFor(server, accountId) },
			origin: server.origin
		});
		this.#ws.on('message', (data: Buffer) => this.#receive(new Uint8Array(data)));
		this.#ws.on('error', () => undefined);
		this.opened = new Promise((resolve) => {
			this.#ws.on('open', () => resolve(true));
			this.#ws.on('close', (code, reason) => {
				this.closed = { code, reason: reason.toString() };
				resolve(false);
			});
			this.#ws.on('unexpected-response', (_request, response) => {
				this.closed = { code: response.statusCode ?? 0, reason: 'http' };
				resolve(false);
			});
		});
	}

	get isOpen(): boolean {
		return this.closed === null && this.#ws.readyState === WebSocket.OPEN;
	}

	#receive(message: Uint8Array): void {
		this.received.push(message);
		const decoder = decoding.createDecoder(message);
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_VERDICT) {
			const text = decoding.readVarString(decoder);
			const verdict = VerdictSchema.safeParse(parseJson(text));
			if (verdict.success) this.verdicts.push(verdict.data);
			else this.malformedVerdicts.push(text);
		} else if (type === MESSAGE_AWARENESS) {
			applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), 'server');
		} else if (type === MESSAGE_SYNC) {
			const syncType = decoding.readVarUint(decoder);
			if (syncType === SYNC_STEP_2) this.#answers += 1;
			if (syncType === SYNC_STEP_2 || syncType === SYNC_UPDATE)
				Y.applyUpdate(this.doc, decoding.readVarUint8Array(decoder), 'server');
		}
	}

	send(message: Uint8Array): void {
		if (this.isOpen) this.#ws.send(message);
	}

	sendUpdate(update: Uint8Array): void {
		this.send(syncMessage(update, SYNC_UPDATE));
	}

	/**
	 * Resolves once the server has handled every message sent before, or has closed the
	 * connection: it answers a sync step 1 with a step 2 after everything that came before it.
	 */
	async settle(timeoutMs = 5000): Promise<void> {
		if (!this.isOpen) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		encoding.writeVarUint(encoder, SYNC_STEP_1);
		encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.doc));
		this.#probes += 1;
		this.#ws.send(encoding.toUint8Array(encoder));
		const start = Date.now();
		while (this.#answers < this.#probes && this.closed === null) {
			if (Date.now() - start > timeoutMs)
				throw new Error(`The server did not answer ${this.accountId} on ${this.documentName}`);
			await new Promise((resolve) => setTimeout(resolve, 2));
		}
		if (this.malformedVerdicts.length > 0)
			throw new Error(`The server sent a malformed verdict: ${this.malformedVerdicts[0]}`);
	}

	/** The presence states this peer sees, by clientID. */
	presences(): Map<number, Presence> {
		return this.awareness.getStates() as Map<number, Presence>;
	}

	/** Every message received from the `from`th on as text (one character per byte). */
	receivedText(from = 0): string[] {
		return this.received.slice(from).map((message) => Buffer.from(message).toString('latin1'));
	}

	async close(): Promise<void> {
		if (this.closed === null && this.#ws.readyState !== WebSocket.CLOSED) {
			const closed = new Promise((resolve) => this.#ws.once('close', resolve));
			this.#ws.close();
			await closed;
		}
		this.awareness.destroy();
		this.doc.destroy();
	}
}

/**
 * An update written on top of `state` by a client whose clientID is `clientId`, all in one
 * transaction: what a client holding that state would send after `edit`.
 */
export function updateOnTopOf(
	state: Uint8Array,
	clientId: number,
	edit: (doc: Y.Doc) => void
): Uint8Array {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	// Set after loading: Yjs picks a new clientID when an update brings in content of its own.
	doc.clientID = clientId;
	const before = Y.encodeStateVector(doc);
	doc.transact(() => edit(doc));
	const update = Y.encodeStateAsUpdate(doc, before);
	doc.destroy();
	return update;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * Sets a map entry to a value as the wire carries it, even one `Y.Map.set` declines: an object
 * with an own `constructor` field (Yjs picks the content type by `value.constructor`).
 */
export function setEntry(map: Y.Map<unknown>, key: string, value: unknown): void {
	const plain =
		typeof value === 'object' &&
		value !== null &&
		Object.getPrototypeOf(value) === Object.prototype;
	if (!plain || (value as { constructor?: unknown }).constructor === Object) {
		map.set(key, value);
		return;
	}
	map.set(key, {});
	const item = (map as unknown as { _map: Map<string, Y.Item> })._map.get(key)!;
	(item.content as Y.ContentAny).arr[0] = value;
}

/** A v1 update made of one GC struct per clientID and nothing else: no content, only clocks. */
export function gcOnlyUpdate(clientIds: readonly number[]): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	encoding.writeVarUint(encoder.restEncoder, clientIds.length);
	for (const client of [...clientIds].sort((a, b) => b - a)) {
		encoding.writeVarUint(encoder.restEncoder, 1);
		encoder.writeClient(client);
		encoding.writeVarUint(encoder.restEncoder, 0);
		new Y.GC(Y.createID(client, 0), 1).write(encoder, 0);
	}
	encoding.writeVarUint(encoder.restEncoder, 0);
	return encoder.toUint8Array();
}

/** An awareness message claiming a presence for every clientID given. */
export function presenceMessage(
	entries: ReadonlyArray<{ clientId: number; clock: number; state: unknown }>
): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, entries.length);
	for (const { clientId, clock, state } of entries) {
		encoding.writeVarUint(update, clientId);
		encoding.writeVarUint(update, clock);
		encoding.writeVarString(update, JSON.stringify(state));
	}
	const message = encoding.createEncoder();
	encoding.writeVarUint(message, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
	return encoding.toUint8Array(message);
}

/** `leaf` wrapped in `depth` levels of objects and arrays, built without recursion. */
export function nested(depth: number, leaf: unknown): unknown {
	let value = leaf;
	for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { down: value };
	return value;
}

/** An object with an own enumerable `__proto__` key, as JSON.parse makes one. */
export function withOwnProtoKey(
	value: Record<string, unknown>,
	proto: Record<string, unknown>
): Record<string, unknown> {
	const copy = { ...value };
	Object.defineProperty(copy, '__proto__', {
		value: proto,
		enumerable: true,
		writable: true,
		configurable: true
	});
	return copy;
}

/**
 * A stable text of a value: object keys sorted, and everything JSON would blur written out (a
 * non-finite number, a BigInt, undefined, a typed array, a replaced prototype, a Yjs type).
 * Iterative, so that a value nested thousands of levels deep is no problem.
 */
export function canonicalText(value: unknown): string {
	const out: string[] = [];
	const stack: unknown[] = [value];
	const TEXT = Symbol('text');
	while (stack.length > 0) {
		const item = stack.pop();
		if (typeof item === 'object' && item !== null && TEXT in item) {
			out.push((item as { [TEXT]: string })[TEXT]);
			continue;
		}
		const text = (piece: string) => ({ [TEXT]: piece });
		if (item === undefined) out.push('<undefined>');
		else if (item === null || typeof item === 'boolean' || typeof item === 'string')
			out.push(JSON.stringify(item));
		else if (typeof item === 'number')
			out.push(Number.isFinite(item) && !Object.is(item, -0) ? String(item) : `<number ${item}>`);
		else if (typeof item === 'bigint') out.push(`<bigint ${item}>`);
		else if (typeof item !== 'object') out.push(`<${typeof item}>`);
		else if (item instanceof Y.AbstractType) out.push(`<${item.constructor.name}>`);
		else if (ArrayBuffer.isView(item))
			out.push(
				`<${item.constructor.name} ${Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('hex')}>`
			);
		else if (Array.isArray(item)) {
			const parts: unknown[] = [text('[')];
			item.forEach((element, index) => parts.push(...(index ? [text(',')] : []), element));
			parts.push(text(']'));
			stack.push(...parts.reverse());
		} else {
			const proto: unknown = Object.getPrototypeOf(item);
			const parts: unknown[] = [];
			if (proto !== Object.prototype && proto !== null)
				parts.push(text('<prototype '), proto, text('>'));
			parts.push(text('{'));
			Object.keys(item)
				.sort()
				.forEach((key, index) =>
					parts.push(
						text(`${index ? ',' : ''}${JSON.stringify(key)}:`),
						(item as Record<string, unknown>)[key]
					)
				);
			parts.push(text('}'));
			stack.push(...parts.reverse());
		}
	}
	return out.join('');
}

/** Every root map of a document as one stable text (keys sorted, values by `canonicalText`). */
export function documentText(doc: Y.Doc, roots: readonly string[]): string {
	return roots
		.map((root) => {
			const map = doc.getMap<unknown>(root);
			const entries = [...map.keys()]
				.sort()
				.map((key) => `${JSON.stringify(key)}=${canonicalText(map.get(key))}`);
			return `${root}{${entries.join(';')}}`;
		})
		.join('\n');
}

/**
 * The clientIDs an update introduces (unknown to `known`) whose every struct is deleted: GC
 * structs, items without content, or items the update's own delete set removes.
 */
export function contentlessNewClients(update: Uint8Array, known: ReadonlySet<number>): number[] {
	const { structs, ds } = Y.decodeUpdate(update);
	const live = new Set<number>();
	const seen = new Set<number>();
	for (const struct of structs) {
		const client = struct.id.client;
		if (known.has(client)) continue;
		seen.add(client);
		if (
			struct instanceof Y.Item &&
			!(struct.content instanceof Y.ContentDeleted) &&
			!Y.isDeleted(ds, struct.id)
		)
			live.add(client);
	}
	return [...seen].filter((client) => !live.has(client));
}

/** The clientIDs a document's state vector knows. */
export function clientIdsOf(doc: Y.Doc): Set<number> {
	return new Set(Y.decodeStateVector(Y.encodeStateVector(doc)).keys());
}
