/**
 * One document as the server holds it: the authoritative Y.Doc, its connections and awareness,
 * and the validating step every incoming update goes through.
 *
 * `receive` is one synchronous step with no await inside, so that no other message can see the
 * document between the steps:
 *   1. inspect the update's structure (no document change yet) and its clientIDs' owners;
 *   2. apply it with the connection as origin, collecting the logical changes from the root maps'
 *      observers (key, old value, new value): cost grows with the update, not the document;
 *   3. judge every change with the author's current role and zone (the policy);
 *   4. revert the refused changes in a server transaction; the accepted ones stay;
 *   5. tell the author which changes were refused and why, before step 6's broadcast reaches them,
 *      so that their client can explain the revert as it arrives;
 *   6. merge what both transactions emitted, scrub the refused values out of it, persist it, then
 *      broadcast it to every connection, the author included.
 */
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
	DOCUMENT_ROOTS,
	type Decision,
	type Denial,
	type DocumentName,
	type EntryChange,
	type CloseReason,
	type Rejection
} from '../../src/lib/shared';
import { SERVER_OWNER, type DocumentStore } from './persistence';
import { ProjectIndex, type ProjectMaps } from './project-index';
import { inspectUpdate, scrubUpdate } from './updates';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

/** Origin of the server's own transactions (reverts, server-side changes). */
export const SERVER_ORIGIN = Symbol('server');
const LOAD_ORIGIN = Symbol('load');

/** Decides a batch of changes by one author; one decision per change, in order. */
export type Judge = (authorId: string, changes: readonly EntryChange[]) => Decision[];

export interface DocumentListener {
	/** Called after accepted changes are persisted and broadcast. `authorId` null: the server. */
	(document: LiveDocument, authorId: string | null, changes: readonly EntryChange[]): void;
}

/** One change the validating step refused, and the policy's reason. */
export interface Refusal {
	change: EntryChange;
	decision: Denial;
}

export interface RefusalListener {
	/**
	 * Called after the refused changes of an update are reverted and the net update is published
	 * (the audit log). Runs inside the synchronous validating step: it must not await, and its cost
	 * must grow with the refusals, not with the document.
	 */
	(document: LiveDocument, authorId: string, refusals: readonly Refusal[]): void;
}

/** Who hears about a document's changes: accepted ones, and refused ones. */
export interface DocumentHooks {
	readonly listeners: DocumentListener[];
	readonly refusalListeners: RefusalListener[];
}

export type ReceiveOutcome =
	| { kind: 'applied'; rejected: Rejection[]; accepted: number; resync: boolean }
	| { kind: 'reset'; problem: string };

/** A connection to the document, as the document sees it. */
export interface Peer {
	readonly accountId: string;
	/** Sends one complete y-websocket message. */
	send(message: Uint8Array): void;
	close(reason: CloseReason): void;
}

export interface LiveDocumentOptions {
	/**
	 * Compact the update log once the updates appended since the last compaction weigh more than
	 * the compacted state (and at least this many bytes): the cost of compaction is then spread
	 * over as many bytes of changes as it writes, so it stays proportional to the changes.
	 * @default 65536
	 */
	compactAfterBytes?: number;
}

export class LiveDocument {
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness: Awareness;
	readonly peers = new Set<Peer>();
	readonly roots = new Map<string, Y.Map<unknown>>();
	/** Set for project documents. */
	readonly index: ProjectIndex | null = null;
	readonly #judge: Judge;

	readonly #store: DocumentStore;
	readonly #hooks: DocumentHooks;
	readonly #compactAfterBytes: number;
	readonly #owners: Map<number, string>;
	#collected: EntryChange[] | null = null;
	#emitted: Uint8Array[] | null = null;
	#logBytes = 0;
	#snapshotBytes = 0;

	constructor(
		readonly name: string,
		readonly address: DocumentName,
		store: DocumentStore,
		hooks: DocumentHooks,
		rules: (document: LiveDocument) => Judge,
		options: LiveDocumentOptions = {}
	) {
		this.#store = store;
		this.#hooks = hooks;
		this.#compactAfterBytes = options.compactAfterBytes ?? 65_536;
		for (const root of Object.keys(DOCUMENT_ROOTS[address.kind])) {
			const map = this.doc.getMap<unknown>(root);
			map.observe((event) => this.#collect(root, map, event));
			this.roots.set(root, map);
		}
		this.doc.on('update', (update: Uint8Array) => this.#emitted?.push(update));

		const log = store.load(name);
		this.doc.transact(
			() => log.updates.forEach((update) => Y.applyUpdate(this.doc, update)),
			LOAD_ORIGIN
		);
		this.#logBytes = log.bytes;
		this.#snapshotBytes = log.updates.length === 1 ? log.bytes : 0;
		this.#owners = store.owners(name);
		this.#useServerClientId();

		if (address.kind === 'project') {
			this.index = new ProjectIndex(Object.fromEntries(this.roots) as unknown as ProjectMaps);
		}
		this.awareness = new Awareness(this.doc);
		this.awareness.setLocalState(null);
		this.awareness.on('update', ({ added, updated, removed }: Record<string, number[]>) => {
			const message = awarenessMessage(this.awareness, [...added!, ...updated!, ...removed!]);
			for (const peer of this.peers) peer.send(message);
		});
		this.#judge = rules(this);
	}

	/** The server keeps one clientID per document across restarts, recorded as its own. */
	#useServerClientId(): void {
		const known = [...this.#owners].find(([, owner]) => owner === SERVER_OWNER);
		if (known) {
			this.doc.clientID = known[0];
		} else {
			while (this.#owners.has(this.doc.clientID))
				this.doc.clientID = Math.floor(Math.random() * 2 ** 31);
			this.#claim(this.doc.clientID, SERVER_OWNER);
		}
	}

	#claim(clientId: number, owner: string): void {
		this.#owners.set(clientId, owner);
		this.#store.claim(this.name, clientId, owner);
	}

	ownerOf(clientId: number): string | undefined {
		return this.#owners.get(clientId);
	}

	/** Records that the account writes (or publishes presence) with this clientID; false if taken. */
	claimFor(accountId: string, clientId: number): boolean {
		const owner = this.#owners.get(clientId);
		if (owner === undefined) this.#claim(clientId, accountId);
		return owner === undefined || owner === accountId;
	}

	#collect(root: string, map: Y.Map<unknown>, event: Y.YMapEvent<unknown>): void {
		if (!this.#collected) return;
		for (const [key, { action, oldValue }] of event.changes.keys) {
			const before = action === 'add' ? undefined : oldValue;
			const after = action === 'delete' ? undefined : map.get(key);
			// A value written again unchanged changes nothing and needs no judging.
			if (
				before !== undefined &&
				after !== undefined &&
				JSON.stringify(before) === JSON.stringify(after)
			)
				continue;
			this.#collected.push({ root, key, before, after });
		}
	}

	/** Runs `apply`, returning the logical changes and the updates it emitted. */
	#record(apply: () => void): { changes: EntryChange[]; emitted: Uint8Array[] } {
		const changes: EntryChange[] = [];
		const emitted: Uint8Array[] = [];
		this.#collected = changes;
		this.#emitted = emitted;
		try {
			apply();
		} finally {
			this.#collected = null;
			this.#emitted = null;
		}
		return { changes, emitted };
	}

	/**
	 * `tellAuthor` hears about refused changes before the revert is broadcast, so that the author's
	 * client knows why an entry changes back when it does.
	 */
	receive(
		authorId: string,
		update: Uint8Array,
		origin: unknown,
		tellAuthor?: (rejected: Rejection[]) => void
	): ReceiveOutcome {
		const inspection = inspectUpdate(update, new Set(this.roots.keys()));
		if (!inspection.ok) return { kind: 'reset', problem: inspection.problem };
		if (inspection.empty) return { kind: 'applied', rejected: [], accepted: 0, resync: false };
		for (const clientId of inspection.clients) {
			if (!this.claimFor(authorId, clientId)) {
				return { kind: 'reset', problem: `clientID ${clientId} belongs to another account.` };
			}
		}

		const applied = this.#record(() => Y.applyUpdate(this.doc, update, origin));
		const resync = this.#dropPending();
		const decisions = applied.changes.length > 0 ? this.#judge(authorId, applied.changes) : [];
		const accepted: EntryChange[] = [];
		const refused: EntryChange[] = [];
		const refusals: Refusal[] = [];
		const rejected: Rejection[] = [];
		applied.changes.forEach((change, index) => {
			const decision = decisions[index]!;
			if (decision.allowed) return void accepted.push(change);
			refused.push(change);
			refusals.push({ change, decision });
			rejected.push({
				root: change.root,
				key: change.key,
				code: decision.code,
				message: decision.message
			});
		});
		const reverted =
			refused.length > 0 ? this.#record(() => this.#revert(refused)) : { emitted: [] };
		this.index?.advance(accepted);

		if (rejected.length > 0) tellAuthor?.(rejected);
		const emitted = [...applied.emitted, ...reverted.emitted];
		if (emitted.length > 0) {
			this.#publish(
				refused.length > 0 ? scrubUpdate(Y.mergeUpdates(emitted)) : Y.mergeUpdates(emitted)
			);
		}
		if (refusals.length > 0)
			for (const listener of this.#hooks.refusalListeners) listener(this, authorId, refusals);
		if (accepted.length > 0) this.#notify(authorId, accepted);
		return { kind: 'applied', rejected, accepted: accepted.length, resync };
	}

	#revert(changes: readonly EntryChange[]): void {
		this.doc.transact(() => {
			for (const change of changes) {
				const map = this.roots.get(change.root)!;
				if (change.before === undefined) map.delete(change.key);
				else map.set(change.key, change.before);
			}
		}, SERVER_ORIGIN);
	}

	/**
	 * An update whose dependencies the server lacks stays pending inside Yjs, and would be
	 * integrated later inside another connection's transaction, under the wrong author. Drop it;
	 * the caller asks the author to send what the server lacks (sync step 1), which heals the gap.
	 */
	#dropPending(): boolean {
		const store = this.doc.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
		if (store.pendingStructs === null && store.pendingDs === null) return false;
		store.pendingStructs = null;
		store.pendingDs = null;
		return true;
	}

	/** A trusted change by the server (bootstrap, accepted invites, approved requests, ...). */
	change(edit: (roots: ReadonlyMap<string, Y.Map<unknown>>) => void): EntryChange[] {
		const { changes, emitted } = this.#record(() =>
			this.doc.transact(() => edit(this.roots), SERVER_ORIGIN)
		);
		this.index?.advance(changes);
		if (emitted.length > 0) this.#publish(Y.mergeUpdates(emitted));
		if (changes.length > 0) this.#notify(null, changes);
		return changes;
	}

	#publish(update: Uint8Array): void {
		this.#store.append(this.name, update);
		this.#logBytes += update.byteLength;
		if (
			this.#logBytes - this.#snapshotBytes >
			Math.max(this.#snapshotBytes, this.#compactAfterBytes)
		)
			this.compact();
		const message = syncUpdateMessage(update);
		for (const peer of this.peers) peer.send(message);
	}

	#notify(authorId: string | null, changes: readonly EntryChange[]): void {
		for (const listener of this.#hooks.listeners) listener(this, authorId, changes);
	}

	/** Replaces the update log with the document's current state. */
	compact(): void {
		const state = Y.encodeStateAsUpdate(this.doc);
		this.#store.compact(this.name, state);
		this.#logBytes = this.#snapshotBytes = state.byteLength;
	}

	/** What a client that has `stateVector` lacks (sync step 2). */
	diff(stateVector: Uint8Array): Uint8Array {
		return Y.encodeStateAsUpdate(this.doc, stateVector);
	}

	destroy(): void {
		this.awareness.destroy();
		this.doc.destroy();
	}
}

/** A y-websocket awareness message with the states of `clients`. */
export function awarenessMessage(awareness: Awareness, clients: number[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, clients));
	return encoding.toUint8Array(encoder);
}

/** A y-websocket sync message carrying one update. */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}
