/**
 * Entries under keys a document has never held, found in an update before it is applied.
 *
 * A refused change to an existing entry is reverted after the fact: its item stays as a tombstone
 * under a key everybody already knew, with its value scrubbed. A refused entry under a new key
 * cannot be handled that way without leaving a trace: its tombstone would carry the key (which
 * may be anything the author chose) to every client and into storage, and its clientID into the
 * document's state vector for good. Such an entry is easy to judge before anything is applied,
 * since no concurrent write can decide its outcome: nobody else has ever written that key. So the
 * server judges it first and, if it is refused, applies the update without it: its items become
 * GC ranges (no parent, no key, no value) that keep the author's clock range whole, or vanish
 * altogether when they were all a new clientID brought.
 */
import * as Y from 'yjs';
import type { EntryChange } from '../../src/lib/shared';
import { encodeUpdate, type DecodedUpdate } from './updates';

/** The items of one new key in an update, and the change they make. */
export interface NewKey {
	change: EntryChange;
	items: Y.Item[];
}

/**
 * The entries of `decoded` under keys the document has never held, with the value each would
 * have (undefined when the update also deletes it). `hasKey` says whether a root ever held a key.
 */
export function findNewKeys(
	decoded: DecodedUpdate,
	hasKey: (root: string, key: string) => boolean
): NewKey[] {
	const byId = new Map<string, NewKey>();
	const groups = new Map<string, NewKey>();
	let pending: Y.Item[] = [];
	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		const { parent, parentSub } = struct;
		if (struct.origin === null && struct.rightOrigin === null && typeof parent === 'string') {
			if (parentSub === null || hasKey(parent, parentSub)) continue;
			const id = `${parent}\u0000${parentSub}`;
			const group = groups.get(id) ?? {
				change: { root: parent, key: parentSub, before: undefined, after: undefined },
				items: []
			};
			groups.set(id, group);
			join(group, struct, byId);
		} else {
			pending.push(struct);
		}
	}
	// A later write to the same key names the item before it (its origin) instead of the key.
	for (let joined = true; joined && pending.length > 0;) {
		joined = false;
		pending = pending.filter((item) => {
			const group =
				(item.origin && byId.get(idOf(item.origin))) ||
				(item.rightOrigin && byId.get(idOf(item.rightOrigin)));
			if (!group) return true;
			join(group, item, byId);
			joined = true;
			return false;
		});
	}
	for (const group of groups.values()) {
		const live = group.items.filter(
			(item) => item.content instanceof Y.ContentAny && !Y.isDeleted(decoded.ds, item.id)
		);
		group.change.after = (live.at(-1)?.content as Y.ContentAny | undefined)?.arr[0];
	}
	return [...groups.values()];
}

function join(group: NewKey, item: Y.Item, byId: Map<string, NewKey>): void {
	group.items.push(item);
	byId.set(idOf(item.id), group);
}

function idOf(id: Y.ID): string {
	return `${id.client}:${id.clock}`;
}

/**
 * The update without the items of `dropped`: each becomes a GC range of the same length, so that
 * the clock range of its client stays whole. A clientID the document has never seen
 * (`isKnownClient`) that has no value left is left out entirely: it would only carry tombstones
 * and gaps into the state vector for good.
 */
export function withoutNewKeys(
	decoded: DecodedUpdate,
	dropped: readonly NewKey[],
	isKnownClient: (clientId: number) => boolean
): { update: Uint8Array; clients: Set<number> } {
	const gone = new Set(dropped.flatMap((group) => group.items));
	const structs = decoded.structs.map((struct) =>
		struct instanceof Y.Item && gone.has(struct) ? new Y.GC(struct.id, struct.length) : struct
	);
	const withValues = new Set(
		structs
			.filter((struct) => struct instanceof Y.Item && struct.content instanceof Y.ContentAny)
			.map((struct) => struct.id.client)
	);
	const vanish = (client: number) => !withValues.has(client) && !isKnownClient(client);
	const ds = Y.createDeleteSet();
	for (const [client, ranges] of decoded.ds.clients) {
		if (!vanish(client)) ds.clients.set(client, ranges);
	}
	const left = structs.filter((struct) => !vanish(struct.id.client));
	return {
		update: encodeUpdate(left, ds),
		clients: new Set(left.map((struct) => struct.id.client))
	};
}

/** Whether some clientID the document has never seen brings no value in the update. */
export function hasClientsWithoutValues(
	decoded: DecodedUpdate,
	isKnownClient: (clientId: number) => boolean
): boolean {
	const withValues = new Set<number>();
	const newClients = new Set<number>();
	for (const struct of decoded.structs) {
		if (!isKnownClient(struct.id.client)) newClients.add(struct.id.client);
		if (struct instanceof Y.Item && struct.content instanceof Y.ContentAny)
			withValues.add(struct.id.client);
	}
	return [...newClients].some((client) => !withValues.has(client));
}

/** A delete set that removes the items of `dropped` from the author's own copy. */
export function deletionOf(dropped: readonly NewKey[]): Uint8Array {
	const ds = Y.createDeleteSet();
	const items = dropped.flatMap((group) => group.items).sort((a, b) => a.id.clock - b.id.clock);
	for (const item of items) {
		const ranges = ds.clients.get(item.id.client) ?? [];
		ranges.push({ clock: item.id.clock, len: item.length } as (typeof ranges)[number]);
		ds.clients.set(item.id.client, ranges);
	}
	return encodeUpdate([], ds);
}
