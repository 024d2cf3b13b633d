import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_SYNC_LIMITS } from '../../server/sync/limits';
import { inspectUpdate, scrubUpdate, type Door } from '../../server/sync/updates';

const ROOTS = new Set(['members', 'invites']);
/** The door of a document with these roots, default limits, where every clientID is new. */
const DOOR: Door = {
	roots: ROOTS,
	limits: DEFAULT_SYNC_LIMITS,
	isKnownClient: () => false,
	isGarbage: () => false
};

function updateOf(edit: (doc: Y.Doc) => void, base?: Y.Doc): Uint8Array {
	const doc = new Y.Doc();
	if (base) Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
	const before = Y.encodeStateVector(doc);
	edit(doc);
	return Y.encodeStateAsUpdate(doc, before);
}

describe('inspecting an update before it is applied', () => {
	it('accepts plain JSON entries of known root maps, and their deletion', () => {
		const base = new Y.Doc();
		base.getMap('members').set('a', { role: 'admin' });
		expect(
			inspectUpdate(
				updateOf((doc) => doc.getMap('members').set('b', { role: 'analyst' })),
				DOOR
			)
		).toMatchObject({ ok: true });
		expect(
			inspectUpdate(
				updateOf((doc) => doc.getMap('members').set('a', { role: 'consumer' }), base),
				DOOR
			)
		).toMatchObject({
			ok: true
		});
		expect(
			inspectUpdate(
				updateOf((doc) => doc.getMap('members').delete('a'), base),
				DOOR
			)
		).toMatchObject({ ok: true });
	});

	it('names the clientIDs that wrote the update', () => {
		const doc = new Y.Doc();
		doc.getMap('members').set('a', 1);
		const inspection = inspectUpdate(Y.encodeStateAsUpdate(doc), DOOR);
		expect(inspection.ok && [...inspection.clients]).toEqual([doc.clientID]);
	});

	it('refuses roots the document does not have', () => {
		expect(
			inspectUpdate(
				updateOf((doc) => doc.getMap('secrets').set('x', 1)),
				DOOR
			)
		).toMatchObject({ ok: false });
	});

	it('refuses nested types, text and array-style inserts', () => {
		expect(
			inspectUpdate(
				updateOf((doc) => doc.getMap('members').set('a', new Y.Map())),
				DOOR
			)
		).toMatchObject({ ok: false });
		expect(
			inspectUpdate(
				updateOf((doc) => doc.getText('members').insert(0, 'hi')),
				DOOR
			)
		).toMatchObject({ ok: false });
		expect(
			inspectUpdate(
				updateOf((doc) => doc.getArray('members').insert(0, [1])),
				DOOR
			)
		).toMatchObject({ ok: false });
	});

	it('refuses bytes that are not an update', () => {
		expect(inspectUpdate(new Uint8Array([255, 255, 255, 255, 1, 2, 3]), DOOR)).toMatchObject({
			ok: false
		});
		expect(inspectUpdate(new Uint8Array([5]), DOOR)).toMatchObject({ ok: false });
	});
});

describe('scrubbing an update', () => {
	it('removes the values of items the update also deletes, and keeps the result applicable', () => {
		// Without garbage collection the overwritten value stays in the update, as it does in one
		// that merges an author's change with the server's revert of it.
		const doc = new Y.Doc({ gc: false });
		const members = doc.getMap('members');
		members.set('a', { secret: 'REJECTED-VALUE' });
		members.set('a', { role: 'kept' });
		const update = Y.encodeStateAsUpdate(doc);
		expect(Buffer.from(update).includes('REJECTED-VALUE')).toBe(true);

		const scrubbed = scrubUpdate(update);
		expect(Buffer.from(scrubbed).includes('REJECTED-VALUE')).toBe(false);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, scrubbed);
		expect(copy.getMap('members').toJSON()).toEqual({ a: { role: 'kept' } });
		expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(doc));
	});

	it('lets a client that holds the unscrubbed items converge with the scrubbed copy', () => {
		const author = new Y.Doc();
		author.getMap('members').set('a', 'rejected');
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
		const before = Y.encodeStateVector(server);
		server.getMap('members').delete('a');
		const net = scrubUpdate(
			Y.mergeUpdates([Y.encodeStateAsUpdate(author), Y.encodeStateAsUpdate(server, before)])
		);
		const other = new Y.Doc();
		Y.applyUpdate(other, net);
		Y.applyUpdate(author, net);
		expect(other.getMap('members').toJSON()).toEqual({});
		expect(author.getMap('members').toJSON()).toEqual({});
		expect(Buffer.from(net).includes('rejected')).toBe(false);
	});
});
