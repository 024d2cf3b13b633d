/**
 * A document's state written as a compacted snapshot in chunks, each a valid update of about
 * `chunkBytes`, in an order in which every chunk finds what its items refer to (their origins) in
 * the chunks before it. Applying the chunks one by one, in order, gives the document that
 * `Y.encodeStateAsUpdate` would give in one update, and never leaves anything pending in between:
 * that is what lets a document load in slices, with other connections served between them
 * (document-load.ts), instead of decoding megabytes in one go.
 *
 * A `SnapshotWriter` writes one chunk per `step`, so that compaction, too, leaves the event loop to
 * everyone else between two chunks. The document may change between two steps: the snapshot is
 * the state as it stood when the writer began (its state vector), each item written as it stands
 * when its turn comes (deleted since, it is written deleted). What changed after the beginning is in
 * the updates appended since, which stay after the snapshot in the log (`DocumentStore.compact`).
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { writeDeleteSet, type DecodedUpdate } from './updates';

/** About this many bytes per chunk: a few milliseconds of decoding each. */
export const SNAPSHOT_CHUNK_BYTES = 64 * 1024;

type Struct = Y.Item | Y.GC;
type DeleteSet = DecodedUpdate['ds'];

/** A client's structs written into one chunk: contiguous clocks, in their order. */
interface Run {
	client: number;
	clock: number;
	count: number;
	encoder: Y.UpdateEncoderV1;
}

export class SnapshotWriter {
	readonly chunks: Uint8Array[] = [];
	/** Each client's clock as the writer began: the snapshot holds everything before it. */
	readonly #until: Map<number, number>;
	/** Each client's clock up to which its structs are written. */
	readonly #written = new Map<number, number>();
	/** The clients still to write, the next last; and the stack of the one being written. */
	readonly #clients: number[];
	#stack: Array<{ client: number; until: number }> = [];
	#runs = new Map<number, Run>();
	#bytes = 0;
	#done = false;

	constructor(
		private readonly doc: Y.Doc,
		private readonly chunkBytes = SNAPSHOT_CHUNK_BYTES
	) {
		this.#until = Y.decodeStateVector(Y.encodeStateVector(doc));
		this.#clients = [...this.#until.keys()].sort((a, b) => a - b);
		for (const client of this.#clients) this.#written.set(client, 0);
	}

	/** Writes the next chunk; false once the snapshot is complete. */
	step(): boolean {
		if (this.#done) return false;
		const chunks = this.chunks.length;
		while (this.chunks.length === chunks) {
			if (this.#stack.length === 0) {
				const client = this.#clients.pop();
				if (client === undefined) {
					this.#flush(true);
					this.#done = true;
					return false;
				}
				this.#stack.push({ client, until: Number.POSITIVE_INFINITY });
			}
			this.#advance();
		}
		return true;
	}

	/**
	 * Writes the next struct of the client on top of the stack, or, when it refers to a struct of
	 * another client not written yet, puts that client on the stack, up to that struct (as Yjs
	 * integrates an update).
	 */
	#advance(): void {
		const top = this.#stack[this.#stack.length - 1]!;
		const clock = this.#written.get(top.client)!;
		if (clock >= this.#until.get(top.client)! || clock > top.until) {
			this.#stack.pop();
			return;
		}
		const structs = this.doc.store.clients.get(top.client) as Struct[];
		const struct = structs[Y.findIndexSS(structs, clock)]!;
		const offset = clock - struct.id.clock;
		const needed = this.#missing(struct, offset);
		if (!needed) return this.#write(top.client, struct, offset);
		if (this.#stack.some((frame) => frame.client === needed.client)) {
			// A client waiting, through others, for itself: causality makes it impossible in a
			// document Yjs integrated.
			throw new Error(`a snapshot of ${top.client} cannot be ordered`);
		}
		this.#stack.push({ client: needed.client, until: needed.clock });
	}

	/** The first struct that `struct`, written from `offset`, refers to and that is not written. */
	#missing(struct: Struct, offset: number): Y.ID | null {
		if (!(struct instanceof Y.Item)) return null;
		const parentItem = (struct.parent as Y.AbstractType<unknown> | null)?._item ?? null;
		// Written from an offset, an item's origin is its own previous clock, written already.
		const refers = [offset > 0 ? null : struct.origin, struct.rightOrigin, parentItem?.id ?? null];
		for (const id of refers) {
			if (id === null) continue;
			const written = this.#written.get(id.client);
			if (written !== undefined && written <= id.clock) return id;
		}
		return null;
	}

	#write(client: number, struct: Struct, offset: number): void {
		let run = this.#runs.get(client);
		if (!run) {
			const clock = struct.id.clock + offset;
			run = { client, clock, count: 0, encoder: new Y.UpdateEncoderV1() };
			this.#runs.set(client, run);
		}
		const before = encoding.length(run.encoder.restEncoder);
		struct.write(run.encoder, offset);
		run.count += 1;
		this.#bytes += encoding.length(run.encoder.restEncoder) - before;
		this.#written.set(client, struct.id.clock + struct.length);
		if (this.#bytes >= this.chunkBytes) this.#flush(false);
	}

	/** Ends a chunk; the last one carries the deletions of what the snapshot holds. */
	#flush(last: boolean): void {
		const encoder = new Y.UpdateEncoderV1();
		encoding.writeVarUint(encoder.restEncoder, this.#runs.size);
		for (const run of [...this.#runs.values()].sort((a, b) => b.client - a.client)) {
			encoding.writeVarUint(encoder.restEncoder, run.count);
			encoder.writeClient(run.client);
			encoding.writeVarUint(encoder.restEncoder, run.clock);
			encoding.writeUint8Array(encoder.restEncoder, run.encoder.toUint8Array());
		}
		writeDeleteSet(encoder, last ? this.#deletions() : { clients: new Map() });
		this.chunks.push(encoder.toUint8Array());
		this.#runs = new Map();
		this.#bytes = 0;
	}

	/** What the document holds deleted, of what the snapshot holds (the rest comes after it). */
	#deletions(): DeleteSet {
		const all = Y.createDeleteSetFromStructStore(this.doc.store) as unknown as DeleteSet;
		const ds: DeleteSet = { clients: new Map() } as DeleteSet;
		for (const [client, items] of all.clients) {
			const until = this.#until.get(client) ?? 0;
			const kept = items
				.filter((item) => item.clock < until)
				.map((item) => ({ ...item, len: Math.min(item.len, until - item.clock) }));
			if (kept.length > 0) ds.clients.set(client, kept as typeof items);
		}
		return ds;
	}
}

/** The whole snapshot at once (when nothing else waits: the server shutting down, tests). */
export function encodeSnapshot(doc: Y.Doc, chunkBytes = SNAPSHOT_CHUNK_BYTES): Uint8Array[] {
	const store = doc.store as Y.Doc['store'] & { pendingStructs: unknown; pendingDs: unknown };
	// Structs still waiting for what they depend on live outside the store's order: written the
	// way Yjs writes them, in one update.
	if (store.pendingStructs || store.pendingDs) return [Y.encodeStateAsUpdate(doc)];
	const writer = new SnapshotWriter(doc, chunkBytes);
	while (writer.step());
	return writer.chunks;
}
