/**
 * Compacted snapshots in chunks (server/sync/snapshot.ts): whatever several clients wrote, however
 * they synced, and however small the chunks, the chunks apply one by one, in order, without
 * anything waiting for a later one, and give the state `Y.encodeStateAsUpdate` gives; written a
 * chunk at a time while the document goes on changing, they and the updates that came meanwhile
 * give the document as it ends up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SnapshotWriter, encodeSnapshot } from '../../server/sync/snapshot';

const EDIT = fc.record({
	client: fc.nat({ max: 3 }),
	root: fc.constantFrom('members', 'invites'),
	key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
	value: fc.option(
		fc.record({ n: fc.nat(), text: fc.string({ maxLength: 40 }) }).map((value) => ({ ...value })),
		{ nil: undefined }
	),
	/** After the edit, this client takes in what that one has. */
	sync: fc.option(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })), { nil: undefined })
});

/** Four clients that made `edits`, and the server's document with everything they wrote. */
function written(
	edits: Array<typeof EDIT extends fc.Arbitrary<infer E> ? E : never>,
	ids: number[]
) {
	const clients = ids.map((clientID) => {
		const doc = new Y.Doc();
		doc.clientID = clientID;
		return doc;
	});
	const server = new Y.Doc();
	const edit = ({ client, root, key, value, sync }: (typeof edits)[number]) => {
		const map = clients[client]!.getMap(root);
		if (value === undefined) map.delete(key);
		else map.set(key, value);
		if (sync) {
			const [to, from] = sync.map((index) => clients[index]!);
			Y.applyUpdate(to!, Y.encodeStateAsUpdate(from!, Y.encodeStateVector(to!)));
		}
		Y.applyUpdate(server, Y.encodeStateAsUpdate(clients[client]!, Y.encodeStateVector(server)));
	};
	edits.forEach(edit);
	return { server, edit };
}

function pending(doc: Y.Doc): boolean {
	const store = doc.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
	return store.pendingStructs !== null || store.pendingDs !== null;
}

describe('a snapshot in chunks', () => {
	it('applies chunk by chunk, nothing pending between, into the state of the document', () => {
		fc.assert(
			fc.property(
				fc.array(EDIT, { minLength: 1, maxLength: 60 }),
				fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 4, maxLength: 4 }),
				fc.integer({ min: 1, max: 400 }),
				(edits, clientIds, chunkBytes) => {
					const clients = clientIds.map((clientID) => {
						const doc = new Y.Doc();
						doc.clientID = clientID;
						return doc;
					});
					for (const { client, root, key, value, sync } of edits) {
						const map = clients[client]!.getMap(root);
						if (value === undefined) map.delete(key);
						else map.set(key, value);
						if (!sync) continue;
						const [to, from] = sync.map((index) => clients[index]!);
						Y.applyUpdate(to!, Y.encodeStateAsUpdate(from!, Y.encodeStateVector(to!)));
					}
					const server = new Y.Doc();
					for (const client of clients) Y.applyUpdate(server, Y.encodeStateAsUpdate(client));

					const loaded = new Y.Doc();
					for (const chunk of encodeSnapshot(server, chunkBytes)) {
						Y.applyUpdate(loaded, chunk);
						expect(pending(loaded)).toBe(false);
					}
					expect(loaded.toJSON()).toEqual(server.toJSON());
					expect(Y.encodeStateAsUpdate(loaded)).toEqual(Y.encodeStateAsUpdate(server));
				}
			),
			{ numRuns: 200 }
		);
	});

	it('written a chunk at a time while the document changes, gives with the updates since the document as it ends up', () => {
		fc.assert(
			fc.property(
				fc.array(EDIT, { minLength: 1, maxLength: 40 }),
				fc.array(fc.array(EDIT, { maxLength: 4 }), { maxLength: 20 }),
				fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 4, maxLength: 4 }),
				fc.integer({ min: 1, max: 300 }),
				(before, between, clientIds, chunkBytes) => {
					const { server, edit } = written(before, clientIds);
					const since: Uint8Array[] = [];
					server.on('update', (update: Uint8Array) => since.push(update));
					const writer = new SnapshotWriter(server, chunkBytes);
					let turn = 0;
					while (writer.step()) (between[turn++] ?? []).forEach(edit);

					const loaded = new Y.Doc();
					for (const chunk of writer.chunks) {
						Y.applyUpdate(loaded, chunk);
						expect(pending(loaded)).toBe(false);
					}
					for (const update of since) Y.applyUpdate(loaded, update);
					expect(pending(loaded)).toBe(false);
					expect(loaded.toJSON()).toEqual(server.toJSON());
					expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(server));
				}
			),
			{ numRuns: 200 }
		);
	});

	it('is cut into chunks of about the size asked for', () => {
		const doc = new Y.Doc();
		doc.transact(() => {
			for (let index = 0; index < 2000; index++)
				doc.getMap('members').set(`m${index}`, { name: `Person ${index}`, index });
		});
		const chunks = encodeSnapshot(doc, 4096);
		expect(chunks.length).toBeGreaterThan(10);
		for (const chunk of chunks.slice(0, -1)) expect(chunk.byteLength).toBeLessThan(4096 + 200);
	});
});
