/**
 * A document's state written as a compacted snapshot in chunks, each a valid update of about
 * `chunkBytes`, in an order in which every chunk finds what its items refer to (their origins) in
 * the chunks before it. Applying the chunks one by one, in order, gives the document that
 * `Y.encodeStateAsUpdate` would give in one update, and never leaves anything pending in between:
 * that is what lets a document load in slices, with other connections served between them
 * (document-load.ts), instead of decoding megabytes in one go.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { writeDeleteSet } from './updates';

/** About this many bytes per chunk: a few milliseconds of decoding each. */
export const SNAPSHOT_CHUNK_BYTES = 64 * 1024;

type Struct = Y.Item | Y.GC;

/** A client's structs written into one chunk: contiguous clocks, in their order. */
interface Run {
	client: number;
	clock: number;
	count: number;
	encoder: Y.UpdateEncoderV1;
}

export function encodeSnapshot(doc: Y.Doc, chunkBytes = SNAPSHOT_CHUNK_BYTES): Uint8Array[] {
	const store = doc.store as Y.Doc['store'] & { pendingStructs: unknown; pendingDs: unknown };
	// Structs still waiting for what they depend on live outside the store's order: written the
	// way Yjs writes them, in one update.
	if (store.pendingStructs || store.pendingDs) return [Y.encodeStateAsUpdate(doc)];
	const structs = store.clients as Map<number, Struct[]>;
	const next = new Map<number, number>([...structs.keys()].map((client) => [client, 0]));
	/** The clock up to which a client's structs are written. */
	const written = (client: number): number => {
		const list = structs.get(client);
		if (!list) return Number.POSITIVE_INFINITY;
		const index = next.get(client)!;
		const struct = list[index];
		if (struct) return struct.id.clock;
		const last = list[list.length - 1];
		return last ? last.id.clock + last.length : 0;
	};
	/** The first thing `struct` refers to that is not written yet. */
	const missing = (struct: Struct): Y.ID | null => {
		if (!(struct instanceof Y.Item)) return null;
		const parentItem = (struct.parent as Y.AbstractType<unknown> | null)?._item ?? null;
		for (const id of [struct.origin, struct.rightOrigin, parentItem?.id ?? null]) {
			if (id !== null && written(id.client) <= id.clock) return id;
		}
		return null;
	};

	const chunks: Uint8Array[] = [];
	let runs = new Map<number, Run>();
	let bytes = 0;
	const flush = (last: boolean) => {
		const encoder = new Y.UpdateEncoderV1();
		encoding.writeVarUint(encoder.restEncoder, runs.size);
		for (const run of [...runs.values()].sort((a, b) => b.client - a.client)) {
			encoding.writeVarUint(encoder.restEncoder, run.count);
			encoder.writeClient(run.client);
			encoding.writeVarUint(encoder.restEncoder, run.clock);
			encoding.writeUint8Array(encoder.restEncoder, run.encoder.toUint8Array());
		}
		const ds = last ? Y.createDeleteSetFromStructStore(doc.store) : { clients: new Map() };
		writeDeleteSet(encoder, ds as Parameters<typeof writeDeleteSet>[1]);
		chunks.push(encoder.toUint8Array());
		runs = new Map();
		bytes = 0;
	};
	const write = (client: number, struct: Struct) => {
		let run = runs.get(client);
		if (!run) {
			run = { client, clock: struct.id.clock, count: 0, encoder: new Y.UpdateEncoderV1() };
			runs.set(client, run);
		}
		const before = encoding.length(run.encoder.restEncoder);
		struct.write(run.encoder, 0);
		run.count += 1;
		bytes += encoding.length(run.encoder.restEncoder) - before;
		next.set(client, next.get(client)! + 1);
		if (bytes >= chunkBytes) flush(false);
	};

	// Each client's structs in clock order; a struct that refers to another client's struct not
	// yet written waits until that client has been written up to it (a stack, as Yjs integrates).
	for (const client of [...structs.keys()].sort((a, b) => b - a)) {
		const stack: Array<{ client: number; until: number }> = [
			{ client, until: Number.POSITIVE_INFINITY }
		];
		while (stack.length > 0) {
			const top = stack[stack.length - 1]!;
			const list = structs.get(top.client)!;
			const index = next.get(top.client)!;
			const struct = list[index];
			if (!struct || written(top.client) > top.until) {
				stack.pop();
				continue;
			}
			const needed = missing(struct);
			if (!needed) {
				write(top.client, struct);
			} else if (stack.some((frame) => frame.client === needed.client)) {
				// A client waiting, through others, for itself: causality makes it impossible in a
				// document Yjs integrated; should it happen all the same, the state is written the way
				// Yjs writes it.
				return [Y.encodeStateAsUpdate(doc)];
			} else {
				stack.push({ client: needed.client, until: needed.clock });
			}
		}
	}
	flush(true);
	return chunks;
}
