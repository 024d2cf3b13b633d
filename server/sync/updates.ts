/**
 * Reading and rewriting Yjs updates (format v1) without applying them to a document.
 *
 * `inspectUpdate` is the structural gate in front of validation: every document here is a set of
 * root maps whose entries are plain JSON values, so an acceptable update holds only map entries
 * (an Item whose content is one JSON value, parented to a known root and a key), deletions and
 * GC/Skip placeholders. Anything else (nested types, text, embedded documents, array-style
 * inserts, unknown roots, bytes that do not decode) cannot come from our client and is answered
 * with a reset rather than a revert.
 *
 * `scrubUpdate` replaces the content of every item the update also deletes with a tombstone of the
 * same length. The net update of a validated batch contains the rejected items together with their
 * deletion; scrubbing keeps the author's clock range intact (so their later updates still apply
 * everywhere) while no other client, and no byte in storage, ever holds the rejected values.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { fail, succeed, type Failure, type Success } from '../../src/lib/shared/outcome';
import { describeNonCanonicalValue, type ValueLimits } from './value-grammar';

/** What the door needs to know besides the update: the roots, the limits, who owns which client. */
export interface Door {
	roots: ReadonlySet<string>;
	limits: ValueLimits & { maxEntriesPerMessage: number; maxNewClientsPerMessage: number };
	/** Whether a clientID has written to the document before (owned by anyone). */
	isKnownClient(clientId: number): boolean;
	/** Whether the document holds this ID as a GC range: an entry set aside when it was refused. */
	isGarbage(id: Y.ID): boolean;
}

export interface DecodedUpdate {
	structs: Array<Y.Item | Y.GC | Y.Skip>;
	ds: ReturnType<typeof Y.decodeUpdate>['ds'];
}

/**
 * A refusal at the door: why (an entry that is not one, in the policy's words), and the entry it
 * concerns where the update names one.
 */
export type DoorRefusal = Failure<'invalid-entry', { root: string; key: string }>;

export type Inspection =
	Success<{ clients: Set<number>; empty: boolean; decoded: DecodedUpdate }> | DoorRefusal;

export function inspectUpdate(update: Uint8Array, door: Door): Inspection {
	let decoded: DecodedUpdate;
	try {
		decoded = Y.decodeUpdate(update);
	} catch {
		return refuse('The update could not be decoded.');
	}
	const clients = new Set<number>();
	const newClients = new Set<number>();
	let entries = 0;
	for (const struct of decoded.structs) {
		const client = struct.id.client;
		clients.add(client);
		if (!door.isKnownClient(client)) newClients.add(client);
		if (!(struct instanceof Y.Item)) continue;
		const problem = inspectItem(struct, door);
		if (problem) return problem;
		if (struct.content instanceof Y.ContentAny && ++entries > door.limits.maxEntriesPerMessage) {
			return refuse(`One message carries at most ${door.limits.maxEntriesPerMessage} entries.`);
		}
	}
	if (newClients.size > door.limits.maxNewClientsPerMessage) {
		return refuse(
			`One message introduces at most ${door.limits.maxNewClientsPerMessage} new client IDs.`
		);
	}
	// Every clientID stays in the document's state vector for good: one that arrives with nothing
	// but tombstones and gaps would only make every later sync larger.
	if (newClients.size > 0 && entries === 0) {
		return refuse('New client IDs must come with content, not only deletions or gaps.');
	}
	return succeed({
		clients,
		empty: decoded.structs.length === 0 && decoded.ds.clients.size === 0,
		decoded
	});
}

function refuse(problem: string, root = '', key = ''): DoorRefusal {
	return fail('invalid-entry', problem, { root, key });
}

function inspectItem(item: Y.Item, door: Door): DoorRefusal | null {
	const root = typeof item.parent === 'string' ? item.parent : '';
	const key = item.parentSub ?? '';
	if (key.length > door.limits.maxKeyLength) {
		return refuse(`Keys are at most ${door.limits.maxKeyLength} characters.`, root);
	}
	const content = item.content;
	if (content instanceof Y.ContentAny) {
		if (content.getLength() !== 1) return refuse('A map entry holds exactly one value.', root, key);
		const problem = describeNonCanonicalValue(content.arr[0], door.limits);
		if (problem) return refuse(problem, root, key);
	} else if (!(content instanceof Y.ContentDeleted)) {
		return refuse(
			`Only plain JSON values are accepted, not ${content.constructor.name}.`,
			root,
			key
		);
	}
	// An item that continues another (has an origin) inherits that item's parent and key; only the
	// first item of a key names them. Nested types cannot exist here, so the parent is a root.
	// One that continues an entry the server set aside would lose its key there: the author's copy
	// still believes in that entry, and must be reset.
	if (item.origin !== null || item.rightOrigin !== null) {
		const continues = [item.origin, item.rightOrigin].some(
			(id) => id !== null && door.isGarbage(id)
		);
		return continues
			? refuse('This continues an entry the server refused; your copy is reset.', root, key)
			: null;
	}
	if (typeof item.parent !== 'string') return refuse('Nested types are not accepted.');
	if (!door.roots.has(item.parent))
		return refuse(`"${item.parent}" is not a root of this document.`);
	if (item.parentSub === null) return refuse('Roots are maps: every entry needs a key.', root);
	return null;
}

export function scrubUpdate(update: Uint8Array): Uint8Array {
	const { structs, ds } = Y.decodeUpdate(update);
	let scrubbed = false;
	for (const struct of structs) {
		if (
			struct instanceof Y.Item &&
			!(struct.content instanceof Y.ContentDeleted) &&
			Y.isDeleted(ds, struct.id)
		) {
			struct.content = new Y.ContentDeleted(struct.length);
			scrubbed = true;
		}
	}
	return scrubbed ? encodeUpdate(structs, ds) : update;
}

/** Writes decoded structs and a delete set back as a v1 update (the layout `Y.encodeStateAsUpdate` uses). */
export function encodeUpdate(
	structs: Array<Y.Item | Y.GC | Y.Skip>,
	ds: DecodedUpdate['ds']
): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	const byClient = new Map<number, Array<Y.Item | Y.GC | Y.Skip>>();
	for (const struct of structs) {
		const list = byClient.get(struct.id.client) ?? [];
		list.push(struct);
		byClient.set(struct.id.client, list);
	}
	encoding.writeVarUint(encoder.restEncoder, byClient.size);
	for (const [client, list] of [...byClient].sort((a, b) => b[0] - a[0])) {
		encoding.writeVarUint(encoder.restEncoder, list.length);
		encoder.writeClient(client);
		encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
		for (const struct of list) struct.write(encoder, 0);
	}
	writeDeleteSet(encoder, ds);
	return encoder.toUint8Array();
}

/** Writes a delete set as the last part of a v1 update, as Yjs does. */
export function writeDeleteSet(encoder: Y.UpdateEncoderV1, ds: DecodedUpdate['ds']): void {
	encoding.writeVarUint(encoder.restEncoder, ds.clients.size);
	for (const [client, items] of [...ds.clients].sort((a, b) => b[0] - a[0])) {
		encoder.resetDsCurVal();
		encoding.writeVarUint(encoder.restEncoder, client);
		encoding.writeVarUint(encoder.restEncoder, items.length);
		for (const item of items) {
			encoder.writeDsClock(item.clock);
			encoder.writeDsLen(item.len);
		}
	}
}
