/**
 * One document as the server holds it: the authoritative Y.Doc, its connections and awareness,
 * and the validating step every incoming update goes through.
 *
 * `receive` is one synchronous step with no await inside, so that no other message can see the
 * document between the steps, and a transaction: it either completes, or leaves the document as
 * the stored log has it.
 *   0. at the door, before anything is applied: the update's structure, its values (canonical
 *      JSON within the limits), its entry count, and its clientIDs (owned by the author; few new
 *      ones, and none without content); entries under keys the document never held are judged
 *      here already, and the refused ones set aside, so that nothing of them reaches the
 *      document (new-keys.ts);
 *   1. apply it with the connection as origin, collecting the logical changes from the root maps'
 *      observers (key, old value, new value): cost grows with the update, not the document;
 *      an entry of the author that lost to a concurrent write while integrating (a revert, or a
 *      change that reached the server first) is collected too, as a change to the current value:
 *      the server orders concurrent writes by their arrival, so no accepted change goes unseen;
 *   2. judge every change with the author's current role and zone (the policy); a judge that
 *      throws refuses its whole batch;
 *   3. in one server transaction, revert the refused changes and write the schema's canonical
 *      form of the accepted ones where it differs from what was sent (and the entries that lost
 *      to a concurrent write);
 *   4. tell the author which changes were refused and why, before step 5's broadcast reaches them,
 *      so that their client can explain the revert as it arrives;
 *   5. merge what both transactions emitted, scrub the refused values out of it, persist it, then
 *      broadcast it to every connection, the author included;
 *   6. run the extensions (refusals, then accepted changes), each isolated from the others.
 * Should anything in steps 1 to 5 throw, nothing was persisted or broadcast: the document is
 * discarded and reloaded from the stored log on next use, exactly as it was before the message.
 */
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
	CLOSE,
	DOCUMENT_ROOTS,
	deny,
	readEntry,
	readStoredEntry,
	sameValue,
	type CloseReason,
	type Decision,
	type Denial,
	type DocumentKind,
	type DocumentName,
	type EntryChange,
	type Rejection,
	type RootEntry,
	type RootName
} from '../../src/lib/shared';
import type { Log } from '../observability/log';
import { UNMEASURED, type Metrics } from '../observability/metrics';
import type { DocumentLoad } from './document-load';
import { SERVER_OWNER, type DocumentStore } from './persistence';
import { ProjectIndex, type ProjectMaps } from './project-index';
import {
	deletionOf,
	findNewKeys,
	hasClientsWithoutValues,
	withoutNewKeys,
	type NewKey
} from './new-keys';
import { SnapshotWriter, encodeSnapshot } from './snapshot';
import { snapshotStamp, trustMark } from './trust-mark';
import { encodeUpdate, inspectUpdate, scrubUpdate, type DecodedUpdate, type Door } from './updates';

/**
 * How a client's change reached the server when it was not the console itself: through a portal's
 * embedded widget, whose session the portal vouched for. The audit log says "<person> via
 * <portal>". Null for the console's own connections and for the server's changes.
 */
export interface Via {
	portalId: string;
}

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

/** Origin of the server's own transactions (reverts, server-side changes). */
export const SERVER_ORIGIN = Symbol('server');

/** Decides a batch of changes by one author; one decision per change, in order. */
export type Judge = (authorId: string, changes: readonly EntryChange[]) => Decision[];

/** One change the validating step refused, and the policy's reason. */
export interface Refusal {
	change: EntryChange;
	decision: Denial;
}

/** What a document tells the registry holding it. */
export interface DocumentHooks {
	/** Accepted changes, persisted and broadcast; `authorId` null: the server. */
	accepted(
		document: LiveDocument,
		authorId: string | null,
		changes: readonly EntryChange[],
		via: Via | null
	): void;
	/** Changes a client sent that were refused, reverted and the revert published. */
	refused(
		document: LiveDocument,
		authorId: string,
		refusals: readonly Refusal[],
		via: Via | null
	): void;
	/** The document's memory no longer matches its stored log: it must be dropped and reloaded. */
	broken(document: LiveDocument): void;
	/** The stored log was compacted into one snapshot (`snapshotStamp`, if vouched for). */
	compacted(document: LiveDocument): void;
}

export type ReceiveOutcome =
	| {
			kind: 'applied';
			rejected: Rejection[];
			accepted: number;
			resync: boolean;
			newClients: number;
	  }
	| { kind: 'reset'; problem: string; rejected: Rejection[] }
	| { kind: 'failed'; rejected: Rejection[] };

/** A connection to the document, as the document sees it. */
export interface Peer {
	readonly accountId: string;
	/** The portal whose embedded session this connection uses; none for the console's own. */
	readonly via?: Via | null;
	/** Sends one complete y-websocket message. */
	send(message: Uint8Array): void;
	close(reason: CloseReason): void;
}

/** The limits `receive` applies at the door (see SyncLimits). */
export type DoorLimits = Door['limits'];

export interface ReceiveOptions {
	limits: DoorLimits;
	/**
	 * Hears about refused changes before the revert is broadcast, so that the author's client knows
	 * why an entry changes back when it does.
	 */
	tellAuthor?: (rejected: Rejection[]) => void;
}

export interface LiveDocumentOptions {
	/**
	 * Compact the update log once the updates appended since the last compaction weigh more than
	 * the compacted state (and at least this many bytes): the cost of compaction is then spread
	 * over as many bytes of changes as it writes, so it stays proportional to the changes.
	 * @default 65536
	 */
	compactAfterBytes?: number;
	/** The clock the policy judges time by (end dates). @default Date.now */
	now?: () => number;
}

/** Where a document reports: its log (whose lines name it) and the metrics. */
export interface DocumentReporting {
	log: Log;
	/** @default UNMEASURED */
	metrics?: Metrics;
}

/** The maps at a document's roots, each holding its root's entries (one kind's, of a union). */
export type RootMaps<K extends DocumentKind> = K extends DocumentKind
	? { readonly [R in RootName<K>]: Y.Map<RootEntry<K, R>> }
	: never;

/**
 * A document whose kind is known from its name's type: `root` returns the map typed by the root's
 * schema, and refuses, at compile time, a root the kind does not have.
 */
export type DocumentOf<K extends DocumentKind> = {
	root<R extends RootName<K>>(name: R): Y.Map<RootEntry<K, R>>;
} & LiveDocument;

/** An entry a server change writes on someone's behalf: its new value, or undefined to delete it. */
export interface EntryWrite {
	root: string;
	key: string;
	value: unknown;
}

/** What became of the writes of `changeAs`. */
export interface ChangesMade {
	accepted: EntryChange[];
	refused: Refusal[];
}

/** A change to make in the server's fix-up transaction: the value an entry must hold. */
interface Fix {
	root: string;
	key: string;
	value: unknown;
}

export class LiveDocument {
	readonly doc: Y.Doc;
	#awareness: Awareness | null = null;
	readonly peers = new Set<Peer>();
	readonly roots = new Map<string, Y.Map<unknown>>();
	readonly #rootMaps: RootMaps<DocumentKind>;
	/** Set for project documents. */
	readonly index: ProjectIndex | null = null;
	/** Set once the document stopped matching its stored log; it accepts nothing more. */
	broken = false;
	readonly #judge: Judge;

	readonly #store: DocumentStore;
	readonly #hooks: DocumentHooks;
	readonly #compactAfterBytes: number;
	readonly #log: Log;
	readonly #metrics: Metrics;
	readonly #owners: Map<number, string>;
	readonly #rootNames = new Map<unknown, string>();
	/** The names of the roots, for the door (read once per message). */
	readonly #rootSet: ReadonlySet<string>;
	/** The key each item set aside as a refused new entry had (see new-keys.ts). */
	readonly #setAsideKeys = new Map<string, { root: string; key: string }>();
	#collected: EntryChange[] | null = null;
	#emitted: Uint8Array[] | null = null;
	#logBytes = 0;
	#snapshotBytes = 0;
	/** Whether the stored log's snapshot is one the server vouched for (trust-mark.ts), and its stamp. */
	#snapshotVouched: boolean;
	#snapshotStamp: string | null;
	/**
	 * Whether every entry reads as its schema's canonical form: repaired at load, and kept so by
	 * every change since (a client's is judged; the server's is checked, `#checkServerWrites`).
	 * Only then does a compaction vouch for the snapshot it writes.
	 */
	#entriesValidated = true;
	/** The whole state, for the connections that ask for all of it in one turn (`missingFrom`). */
	#fullState: Uint8Array[] | null = null;
	/**
	 * The state as it loaded, kept only if its stored state was handed out while it loaded, and the
	 * stamp of the snapshot it loaded as (`changesSinceLoad`).
	 */
	readonly #loadedStateVector: Uint8Array | undefined;
	readonly #loadedStamp: string | null;

	/** `load`: the document's stored log, loaded to its end (document-load.ts). */
	constructor(
		readonly name: string,
		readonly address: DocumentName,
		load: DocumentLoad,
		store: DocumentStore,
		hooks: DocumentHooks,
		rules: (document: LiveDocument) => Judge,
		options: LiveDocumentOptions & DocumentReporting
	) {
		if (!load.done) throw new Error(`${name} is not loaded yet`);
		this.doc = load.doc;
		this.#store = store;
		this.#hooks = hooks;
		this.#compactAfterBytes = options.compactAfterBytes ?? 65_536;
		this.#log = options.log;
		this.#metrics = options.metrics ?? UNMEASURED;
		for (const root of Object.keys(DOCUMENT_ROOTS[address.kind])) {
			const map = this.doc.getMap<unknown>(root);
			map.observe((event) => this.#collect(root, map, event));
			this.roots.set(root, map);
			this.#rootNames.set(map, root);
		}
		this.#rootMaps = Object.fromEntries(this.roots) as RootMaps<DocumentKind>;
		this.#rootSet = new Set(this.roots.keys());

		// Listened to after loading: Yjs encodes each transaction's update for its 'update'
		// listeners, and the load's would be the whole document, encoded to be thrown away.
		this.doc.on('update', (update: Uint8Array) => {
			this.#fullState = null;
			this.#emitted?.push(update);
		});
		this.#logBytes = load.logBytes;
		this.#snapshotBytes = load.snapshotBytes;
		this.#snapshotVouched = load.snapshotVouched;
		this.#snapshotStamp = load.snapshotStamp;
		this.#loadedStamp = load.snapshotChunks === null ? null : load.snapshotStamp;
		// Not for the documents the server loads for its own changes (a user document, at each
		// change to someone's memberships): nobody was sent their stored state.
		if (load.storedStateShared) this.#loadedStateVector = Y.encodeStateVector(this.doc);
		this.#keepFullState(load.snapshotChunks);
		this.#owners = store.owners(name);
		this.#useServerClientId();
		this.#repairEntries(load.unvouchedEntries);

		if (address.kind === 'project') {
			this.index = new ProjectIndex(
				Object.fromEntries(this.roots) as unknown as ProjectMaps,
				options.now
			);
		}
		this.#judge = rules(this);
	}

	/**
	 * Who is present, and where: made on first use, by the first connection. A document that only
	 * the server changes (a user document, for one, loaded for each change to someone's
	 * memberships) never has any, and would keep a timer of its own for nothing.
	 */
	get awareness(): Awareness {
		if (this.#awareness) return this.#awareness;
		const awareness = new Awareness(this.doc);
		awareness.setLocalState(null);
		awareness.on('update', ({ added, updated, removed }: Record<string, number[]>) => {
			const message = awarenessMessage(awareness, [...added!, ...updated!, ...removed!]);
			for (const peer of this.peers) peer.send(message);
		});
		// One asked for after the document was dropped answers as empty, with no timer left behind.
		if (this.#destroyed) awareness.destroy();
		this.#awareness = awareness;
		return awareness;
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

	/**
	 * Entries written by an earlier version that are not in their schema's canonical form (a role
	 * stored as "messenger", a field the schema does not know) are rewritten in it, and entries
	 * that cannot be read at all are removed, by the server, so that nothing downstream (indexes,
	 * judges, the console) ever meets them. The extensions record the repair like any server change.
	 * Only the entries that the stored updates the server did not vouch for wrote are read: those
	 * of a snapshot it vouched for were read when it was written.
	 */
	#repairEntries(unvouched: ReadonlyMap<string, ReadonlySet<string>>): void {
		const fixes: Fix[] = [];
		for (const [root, keys] of unvouched) {
			const map = this.#map(root);
			for (const key of keys) {
				const value = map.get(key);
				if (value === undefined) continue;
				const entry = readStoredEntry(this.address.kind, root, key, value);
				if (!sameValue(entry, value)) fixes.push({ root, key, value: entry });
			}
		}
		if (fixes.length === 0) return;
		for (const fix of fixes) {
			this.#log.warn(
				{ root: fix.root, key: fix.key },
				fix.value === undefined
					? 'repairing an entry: removed (unreadable)'
					: 'repairing an entry: rewritten in canonical form'
			);
		}
		this.#pendingRepairs = fixes;
	}

	#pendingRepairs: Fix[] = [];

	/** Writes the repairs found at load; called by the registry once the extensions can hear them. */
	applyRepairs(): void {
		const fixes = this.#pendingRepairs;
		this.#pendingRepairs = [];
		if (fixes.length > 0) this.change(() => writeFixes((root) => this.#map(root), fixes));
	}

	/**
	 * A server change that writes entries (`value` undefined deletes one), leaving alone those that
	 * already hold their value: Yjs would store them again, and every connection be sent them.
	 */
	writeEntries(writes: readonly EntryWrite[]): EntryChange[] {
		const needed = writes.filter(
			({ root, key, value }) =>
				!(value === undefined
					? !this.#map(root).has(key)
					: sameValue(this.#map(root).get(key), value))
		);
		return needed.length > 0
			? this.change(() => writeFixes((root) => this.#map(root), needed))
			: [];
	}

	#claim(clientId: number, owner: string): void {
		this.#owners.set(clientId, owner);
		this.#store.claim(this.name, clientId, owner);
	}

	/**
	 * One root's map, throwing if the document has no such root. Its type is the untyped one: the
	 * registry hands documents out as `DocumentOf` their name's kind, whose `root` is typed.
	 */
	root(name: string): Y.Map<unknown> {
		return this.#map(name);
	}

	#map(root: string): Y.Map<unknown> {
		const map = this.roots.get(root);
		if (!map) throw new Error(`${this.name} has no root ${root}`);
		return map;
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
			if (before !== undefined && after !== undefined && sameValue(before, after)) continue;
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
	 * Takes one message of `author` through the validating step: one commit for everything it
	 * causes (the log, and whatever the extensions write), broadcast once that commit is durable.
	 */
	receive(author: Peer, update: Uint8Array, options: ReceiveOptions): ReceiveOutcome {
		try {
			return this.#store.atomically(() => this.#receive(author, update, options));
		} catch (error) {
			// The commit failed after the change was applied in memory: the document was dropped
			// (`#loseCommit`) and its connections closed, to reload it from the log.
			if (!this.broken) throw error;
			this.#log.error(
				{ err: error, accountId: author.accountId },
				'storing a change failed; reloading the document'
			);
			return { kind: 'failed', rejected: [] };
		}
	}

	#receive(
		author: Peer,
		update: Uint8Array,
		{ limits, tellAuthor }: ReceiveOptions
	): ReceiveOutcome {
		if (this.broken) return { kind: 'failed', rejected: [] };
		const arrived = performance.now();
		const authorId = author.accountId;
		const inspection = inspectUpdate(update, {
			roots: this.#rootSet,
			limits,
			isKnownClient: (clientId) => this.#owners.has(clientId),
			isGarbage: (id) => this.#isGarbage(id) && !this.#setAsideKeys.has(idKey(id))
		});
		if (!inspection.ok) {
			return {
				kind: 'reset',
				problem: inspection.message,
				rejected: [
					refusedAtDoor(inspection.root, inspection.key, inspection.message, inspection.code)
				]
			};
		}
		if (inspection.empty)
			return { kind: 'applied', rejected: [], accepted: 0, resync: false, newClients: 0 };
		const taken = [...inspection.clients].find(
			(clientId) => (this.#owners.get(clientId) ?? authorId) !== authorId
		);
		if (taken !== undefined) {
			const problem = `clientID ${taken} belongs to another account.`;
			return { kind: 'reset', problem, rejected: [] };
		}

		let outcome: {
			rejected: Rejection[];
			refusals: Refusal[];
			accepted: EntryChange[];
			resync: boolean;
			newClients: number;
		};
		try {
			const asIs = this.#setAsideRefusedNewKeys(authorId, update, inspection);
			const newClients = [...asIs.clients].filter((clientId) => !this.#owners.has(clientId));
			for (const clientId of asIs.clients) this.claimFor(authorId, clientId);
			const known = this.#statesOf(asIs.clients);
			const applied = this.#record(() => Y.applyUpdate(this.doc, asIs.update, author));
			const resync = this.#dropPending();
			const changes = [
				...applied.changes,
				...this.#entriesLostToConcurrentWrites(inspection.decoded, applied.changes, known)
			];
			const fixes: Fix[] = [];
			const accepted: EntryChange[] = [];
			const refusals: Refusal[] = [...asIs.refusals];
			for (const { change, decision, canonical } of this.#decide(authorId, changes)) {
				if (!decision.ok) {
					refusals.push({ change, decision });
					fixes.push({ root: change.root, key: change.key, value: change.before });
					continue;
				}
				accepted.push({ ...change, after: canonical });
				const current = this.#map(change.root).get(change.key);
				if (!sameValue(current, canonical))
					fixes.push({ root: change.root, key: change.key, value: canonical });
			}
			const fixed =
				fixes.length > 0
					? this.#record(() =>
							this.doc.transact(() => writeFixes((root) => this.#map(root), fixes), SERVER_ORIGIN)
						)
					: { emitted: [] };
			this.index?.advance(accepted);
			const rejected = refusals.map(({ change, decision }) => ({
				root: change.root,
				key: change.key,
				code: decision.code,
				message: decision.message
			}));
			this.#metrics.validated((performance.now() - arrived) / 1000);
			if (rejected.length > 0) tellAuthor?.(rejected);
			// The author's own copy still holds the entries set aside: it alone is told to drop them.
			if (asIs.setAside.length > 0) author.send(syncUpdateMessage(deletionOf(asIs.setAside)));
			const emitted = [...applied.emitted, ...fixed.emitted];
			if (emitted.length > 0) {
				const merged = Y.mergeUpdates(emitted);
				// What a fix replaced (a refused value, or the raw form of a canonical one) goes out
				// as a tombstone only.
				this.#publish(fixes.length > 0 ? scrubUpdate(merged) : merged);
			}
			outcome = { rejected, refusals, accepted, resync, newClients: newClients.length };
		} catch (error) {
			return this.#fail(author, error, tellAuthor);
		}
		if (outcome.refusals.length > 0)
			this.#hooks.refused(this, authorId, outcome.refusals, author.via ?? null);
		if (outcome.accepted.length > 0)
			this.#hooks.accepted(this, authorId, outcome.accepted, author.via ?? null);
		return {
			kind: 'applied',
			rejected: outcome.rejected,
			accepted: outcome.accepted.length,
			resync: outcome.resync,
			newClients: outcome.newClients
		};
	}

	/**
	 * Judges the entries the update adds under keys the document has never held, before anything
	 * is applied (see new-keys.ts): the refused ones, and those the update also deletes, are set
	 * aside, so that neither their key nor their value nor a clientID that brought nothing else
	 * reaches the document. Returns the update to apply and the clientIDs it still holds.
	 */
	#setAsideRefusedNewKeys(
		authorId: string,
		update: Uint8Array,
		{ decoded, clients }: { decoded: DecodedUpdate; clients: Set<number> }
	): { update: Uint8Array; clients: Set<number>; refusals: Refusal[]; setAside: NewKey[] } {
		const rekeyed = this.#rekeyContinuationsOfSetAside(decoded);
		const original = {
			update: rekeyed ? encodeUpdate(decoded.structs, decoded.ds) : update,
			clients
		};
		const newKeys = findNewKeys(decoded, (root, key) => this.#map(root)._map.has(key));
		const added = newKeys.filter((group) => group.change.after !== undefined);
		const verdicts = this.#decide(
			authorId,
			added.map((group) => group.change)
		);
		const refusals: Refusal[] = [];
		const setAside = newKeys.filter((group) => group.change.after === undefined);
		verdicts.forEach(({ change, decision }, index) => {
			if (decision.ok) return;
			refusals.push({ change, decision });
			setAside.push(added[index]!);
		});
		const isKnownClient = (clientId: number) => this.#owners.has(clientId);
		if (setAside.length === 0 && !hasClientsWithoutValues(decoded, isKnownClient))
			return { ...original, refusals, setAside };
		const rest = withoutNewKeys(decoded, setAside, isKnownClient);
		// Only what stays as a GC range can be named later; a clientID left out may reuse its clocks.
		for (const group of setAside) {
			for (const item of group.items) {
				if (!rest.clients.has(item.id.client)) continue;
				if (this.#setAsideKeys.size >= SET_ASIDE_MEMORY) this.#setAsideKeys.clear();
				this.#setAsideKeys.set(idKey(item.id), { root: group.change.root, key: group.change.key });
			}
		}
		return { ...rest, refusals, setAside };
	}

	/**
	 * The author's copy keeps an entry the server set aside (deleted, as the server told it), and
	 * a later write of the author to that key names it as its origin, where the server holds only
	 * a GC range. Such a write is read as what it is, the first write to that key: the server
	 * remembers which key each set-aside item had (in memory, `SET_ASIDE_MEMORY` at most; a write
	 * it cannot place is refused at the door with a reset). True when an item was rewritten.
	 */
	#rekeyContinuationsOfSetAside(decoded: DecodedUpdate): boolean {
		if (this.#setAsideKeys.size === 0) return false;
		let rekeyed = false;
		for (const struct of decoded.structs) {
			if (!(struct instanceof Y.Item)) continue;
			const entry = [struct.origin, struct.rightOrigin]
				.map((id) => (id === null ? undefined : this.#setAsideKeys.get(idKey(id))))
				.find((known) => known !== undefined);
			if (!entry) continue;
			struct.origin = null;
			struct.rightOrigin = null;
			struct.parent = entry.root as unknown as Y.AbstractType<unknown>;
			struct.parentSub = entry.key;
			rekeyed = true;
		}
		return rekeyed;
	}

	/** Whether the document holds the struct with this ID as a GC range (an entry set aside). */
	#isGarbage(id: Y.ID): boolean {
		if (Y.getState(this.doc.store, id.client) <= id.clock) return false;
		return !(Y.getItem(this.doc.store, id) instanceof Y.Item);
	}

	/**
	 * One decision per change, and the canonical form of each accepted new value. Judges are total,
	 * but should one throw all the same, its whole batch is refused: a half-judged batch must never
	 * be served or stored.
	 */
	#decide(
		authorId: string,
		changes: readonly EntryChange[]
	): Array<{ change: EntryChange; decision: Decision; canonical: unknown }> {
		if (changes.length === 0) return [];
		let decisions: Decision[];
		try {
			decisions = this.#judge(authorId, changes);
		} catch (error) {
			this.#log.error({ err: error, accountId: authorId }, 'the judge failed on a change');
			decisions = changes.map(() => COULD_NOT_CHECK);
		}
		return changes.map((change, index) => {
			const decision = decisions[index] ?? COULD_NOT_CHECK;
			if (!decision.ok || change.after === undefined)
				return { change, decision, canonical: undefined };
			const entry = readEntry(this.address.kind, change.root, change.key, change.after);
			return entry.ok
				? { change, decision, canonical: entry.value }
				: { change, decision: entry, canonical: undefined };
		});
	}

	/** How far the document holds each client's structs. */
	#statesOf(clients: ReadonlySet<number>): Map<number, number> {
		return new Map([...clients].map((client) => [client, Y.getState(this.doc.store, client)]));
	}

	/**
	 * Entries of the author that lost, while this update integrated them, to a write the server
	 * had already taken (the revert of somebody's refused change, or a change that reached the
	 * server first): Yjs keeps one of two concurrent writes by client ID, the server keeps the
	 * later to arrive. Each is judged as a change from the entry's current value, and written by
	 * the server if accepted. Only items new to the document count (`known`: each client's clock
	 * before the update), so that a client cannot revive an old value by sending it again.
	 *
	 * A removal concurrent with another's change cannot be told apart from a client that merely
	 * knows the entry's old item was deleted (every sync carries the whole delete set), so the
	 * change stands; the remover's client sees the entry still there and says so.
	 */
	#entriesLostToConcurrentWrites(
		decoded: DecodedUpdate,
		collected: readonly EntryChange[],
		known: ReadonlyMap<number, number>
	): EntryChange[] {
		const seen = new Set(collected.map((change) => `${change.root}\u0000${change.key}`));
		const lost = new Map<string, EntryChange>();
		for (const struct of decoded.structs) {
			if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny)) continue;
			if (struct.id.clock < (known.get(struct.id.client) ?? 0)) continue;
			if (Y.isDeleted(decoded.ds, struct.id)) continue;
			if (Y.getState(this.doc.store, struct.id.client) <= struct.id.clock) continue;
			const integrated = Y.getItem(this.doc.store, struct.id);
			const entry = this.#entryOf(integrated);
			if (!entry || !integrated.deleted) continue;
			const id = `${entry.root}\u0000${entry.key}`;
			if (seen.has(id)) continue;
			lost.set(id, {
				root: entry.root,
				key: entry.key,
				before: entry.map.get(entry.key),
				after: struct.content.arr[0]
			});
		}
		return [...lost.values()];
	}

	/** The root map, its name and the key of a struct that is an entry of a root map. */
	#entryOf(
		struct: Y.Item | Y.GC | Y.Skip
	): { root: string; map: Y.Map<unknown>; key: string } | null {
		if (!(struct instanceof Y.Item) || struct.parentSub === null) return null;
		const root = this.#rootNames.get(struct.parent);
		return root === undefined ? null : { root, map: this.#map(root), key: struct.parentSub };
	}

	/**
	 * Something threw between applying an update and publishing it: the document in memory may
	 * hold a change that was never judged, persisted or broadcast. Nothing of it left the server,
	 * so the stored log is the state before the message: the document is dropped (its connections
	 * closed, the author's with a reset so that its client does not send the same again) and
	 * loaded again from the log on next use.
	 */
	#fail(author: Peer, error: unknown, tellAuthor: ReceiveOptions['tellAuthor']): ReceiveOutcome {
		this.#log.error(
			{ err: error, accountId: author.accountId },
			'a change failed; reloading the document'
		);
		this.broken = true;
		const rejected = [refusedAtDoor('', '', COULD_NOT_CHECK.message, COULD_NOT_CHECK.code)];
		tellAuthor?.(rejected);
		author.close(CLOSE.resetRequired);
		this.#hooks.broken(this);
		return { kind: 'failed', rejected };
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

	/**
	 * A trusted change by the server (bootstrap, accepted invites, approved requests, ...). With
	 * `authorId`, a change the server made for that person after judging it itself (invitations
	 * from a CSV file): the extensions hear it as that person's, so that the audit log names them
	 * and the invitations are sent as the dialog's are.
	 */
	change(
		edit: (roots: RootMaps<DocumentKind>) => void,
		authorId: string | null = null
	): EntryChange[] {
		return this.#store.atomically(() => this.#lostIfThrows(() => this.#change(edit, authorId)));
	}

	/**
	 * Runs a server change. Should it throw, the document may hold in memory what its log does
	 * not (Yjs keeps whatever an edit applied before it threw, and an update the database refused
	 * to append is in memory all the same): it is dropped, to be loaded again from the log, so that
	 * nobody sees, and no later compaction stores, a change that failed.
	 */
	#lostIfThrows<T>(change: () => T): T {
		try {
			return change();
		} catch (error) {
			this.#loseCommit();
			throw error;
		}
	}

	#change(edit: (roots: RootMaps<DocumentKind>) => void, authorId: string | null): EntryChange[] {
		const { changes, emitted } = this.#record(() =>
			this.doc.transact(() => edit(this.#rootMaps), SERVER_ORIGIN)
		);
		this.#checkServerWrites(changes);
		this.index?.advance(changes);
		if (emitted.length > 0) this.#publish(Y.mergeUpdates(emitted));
		if (changes.length > 0) this.#hooks.accepted(this, authorId, changes, null);
		return changes;
	}

	/**
	 * The server's own changes are trusted, not judged; an entry one writes that is not in its
	 * schema's canonical form is a fault of the server's, kept as written (the change may be a
	 * repair's or a migration's), but the document's next compaction does not vouch for its
	 * entries, so that the next load reads and repairs them.
	 */
	#checkServerWrites(changes: readonly EntryChange[]): void {
		if (!this.#entriesValidated) return;
		for (const { root, key, after } of changes) {
			if (after === undefined) continue;
			if (sameValue(readStoredEntry(this.address.kind, root, key, after), after)) continue;
			this.#entriesValidated = false;
			this.#log.warn({ root, key }, 'the server wrote an entry not in its canonical form');
			return;
		}
	}

	/**
	 * Changes the server writes on a person's behalf (an access review's removal, decided by its
	 * reviewer on an HTTP route): judged by the policy as that person's own changes, before
	 * anything is applied, so that nothing refused ever enters the document; the accepted ones are
	 * applied in their canonical form and heard by the extensions with the person as their author
	 * (the audit log, the membership news, the projections), the refused ones as their refusals.
	 */
	changeAs(authorId: string, writes: readonly EntryWrite[]): ChangesMade {
		return this.#store.atomically(() => this.#lostIfThrows(() => this.#changeAs(authorId, writes)));
	}

	#changeAs(authorId: string, writes: readonly EntryWrite[]): ChangesMade {
		const changes = writes.map(({ root, key, value }) => ({
			root,
			key,
			before: this.#map(root).get(key),
			after: value
		}));
		const accepted: EntryChange[] = [];
		const refused: Refusal[] = [];
		for (const { change, decision, canonical } of this.#decide(authorId, changes)) {
			if (decision.ok) accepted.push({ ...change, after: canonical });
			else refused.push({ change, decision });
		}
		const applied =
			accepted.length > 0
				? this.#record(() =>
						this.doc.transact(
							() =>
								writeFixes(
									(root) => this.#map(root),
									accepted.map(({ root, key, after }) => ({ root, key, value: after }))
								),
							SERVER_ORIGIN
						)
					)
				: { changes: [], emitted: [] };
		this.index?.advance(applied.changes);
		if (applied.emitted.length > 0) this.#publish(Y.mergeUpdates(applied.emitted));
		if (refused.length > 0) this.#hooks.refused(this, authorId, refused, null);
		if (applied.changes.length > 0) this.#hooks.accepted(this, authorId, applied.changes, null);
		return { accepted: applied.changes, refused };
	}

	/**
	 * Appends the update to the log and, once that is durable, sends it to every connection. Should
	 * the commit fail, the document holds a change its log does not: it is dropped and reloaded.
	 */
	#publish(update: Uint8Array): void {
		this.#store.append(this.name, update);
		this.#logBytes += update.byteLength;
		this.#store.onRollback(() => this.#loseCommit());
		const message = syncUpdateMessage(update);
		this.#store.afterCommit(() => {
			for (const peer of this.peers) peer.send(message);
			if (this.#needsCompaction()) this.#scheduleCompaction();
		});
	}

	#loseCommit(): void {
		if (this.broken) return;
		this.broken = true;
		this.#hooks.broken(this);
	}

	#needsCompaction(): boolean {
		return (
			this.#logBytes - this.#snapshotBytes > Math.max(this.#snapshotBytes, this.#compactAfterBytes)
		);
	}

	#destroyed = false;
	/** A compaction under way, a chunk at a time. */
	#compacting: Promise<void> | null = null;

	/**
	 * Compaction is work the size of the document: it never runs inside the change that crossed the
	 * threshold, but a chunk at a time after it, once for any number of changes meanwhile.
	 */
	#scheduleCompaction(): void {
		this.compactInSlices().catch((error: unknown) =>
			// Compaction only rewrites what is already stored: the log stays as it was.
			this.#log.error({ err: error }, 'compacting failed; the log stays as it is')
		);
	}

	/**
	 * Whether unloading the document should compact it first: unless its log is already the
	 * snapshot it loaded as, or was compacted into; an earlier version's snapshot, or one whose
	 * entries needed repairs, is rewritten, to be vouched for.
	 */
	compactionNeeded(): boolean {
		return (
			this.#logBytes !== this.#snapshotBytes || (!this.#snapshotVouched && this.#entriesValidated)
		);
	}

	/**
	 * Replaces the update log with a snapshot of the document's state (snapshot.ts), written a
	 * chunk at a time with the event loop serving everyone else between two chunks; the updates
	 * appended meanwhile stay after it. Resolves once it is stored, or given up (the document
	 * dropped meanwhile); a compaction under way is shared.
	 */
	compactInSlices(): Promise<void> {
		this.#compacting ??= this.#compactInSlices().finally(() => (this.#compacting = null));
		return this.#compacting;
	}

	async #compactInSlices(): Promise<void> {
		const through = this.#store.lastUpdate(this.name);
		const logBytes = this.#logBytes;
		const writer = new SnapshotWriter(this.doc);
		while (writer.step()) {
			await new Promise((resolve) => setImmediate(resolve));
			if (this.broken || this.#destroyed) return;
		}
		this.#storeSnapshot(writer.chunks, through, this.#logBytes - logBytes);
	}

	/** Replaces the update log with a snapshot of the document's state at once (shutdown). */
	compact(): void {
		if (this.broken) return;
		this.#storeSnapshot(encodeSnapshot(this.doc), this.#store.lastUpdate(this.name), 0);
	}

	/**
	 * Stores a snapshot in place of the log up to update `through`, vouched for when every entry
	 * is validated (trust-mark.ts); `laterBytes` were appended after that update.
	 */
	#storeSnapshot(snapshot: Uint8Array[], through: number, laterBytes: number): void {
		const vouched = this.#entriesValidated;
		const chunks = snapshot.map((data) => ({
			data,
			mark: vouched ? trustMark(this.name, data) : null
		}));
		this.#store.compact(this.name, chunks, through);
		this.#snapshotBytes = chunks.reduce((sum, { data }) => sum + data.length, 0);
		this.#logBytes = this.#snapshotBytes + laterBytes;
		this.#snapshotVouched = vouched;
		this.#snapshotStamp = vouched ? snapshotStamp(chunks.map(({ mark }) => mark!)) : null;
		this.#hooks.compacted(this);
	}

	/**
	 * The stamp of the snapshot the server vouched for (trust-mark.ts) when the stored log is that
	 * snapshot and nothing else, as loaded or compacted; null once anything was appended since.
	 */
	get snapshotStamp(): string | null {
		return this.#logBytes === this.#snapshotBytes ? this.#snapshotStamp : null;
	}

	/**
	 * What a client whose state vector is `stateVector` lacks, as updates to apply in order (the
	 * last one answers its sync step 1). A client that has nothing gets the whole state: while the
	 * document is still the snapshot it loaded as (or was last compacted into), that snapshot's
	 * chunks as stored, encoded already (as the load read them, for the connections that waited for
	 * it); else the state encoded once for every such client that asks in the same turn of the event
	 * loop, then let go.
	 */
	missingFrom(stateVector: Uint8Array): Uint8Array[] {
		if (Y.decodeStateVector(stateVector).size > 0)
			return [Y.encodeStateAsUpdate(this.doc, stateVector)];
		return (
			this.#fullState ??
			this.#keepFullState(
				this.snapshotStamp !== null
					? this.#store.read(this.name, 0, Number.POSITIVE_INFINITY).map(({ data }) => data)
					: [Y.encodeStateAsUpdate(this.doc)]
			)
		);
	}

	/**
	 * What a client that was sent the stored state this document loaded from (`storedState` of its
	 * load, while it loaded) lacks: null while the document is still that very snapshot, else the
	 * changes made since it loaded.
	 */
	changesSinceLoad(): Uint8Array | null {
		if (this.#loadedStamp !== null && this.snapshotStamp === this.#loadedStamp) return null;
		return Y.encodeStateAsUpdate(this.doc, this.#loadedStateVector);
	}

	/** Keeps the whole state for whoever asks for it in this turn of the event loop. */
	#keepFullState<T extends Uint8Array[] | null>(state: T): T {
		if (state === null) return state;
		this.#fullState = state;
		setImmediate(() => (this.#fullState = null));
		return state;
	}

	destroy(): void {
		this.#destroyed = true;
		this.#awareness?.destroy();
		this.doc.destroy();
	}
}

/** How many set-aside items a document remembers the keys of. */
const SET_ASIDE_MEMORY = 10_000;

function idKey(id: Y.ID): string {
	return `${id.client}:${id.clock}`;
}

const COULD_NOT_CHECK = deny(
	'not-checked',
	'The server could not check this change, so nothing of it was applied.'
);

function refusedAtDoor(
	root: string,
	key: string,
	message: string,
	code: Rejection['code'] = 'invalid-entry'
): Rejection {
	return { root, key, code, message };
}

function writeFixes(mapOf: (root: string) => Y.Map<unknown>, fixes: readonly Fix[]): void {
	for (const fix of fixes) {
		const map = mapOf(fix.root);
		if (fix.value === undefined) map.delete(fix.key);
		else map.set(fix.key, fix.value);
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

/** What comes before an update of `length` bytes in a y-websocket sync message of `type`. */
export function syncMessageHead(type: number, length: number): Uint8Array {
	const head = encoding.createEncoder();
	encoding.writeVarUint(head, MESSAGE_SYNC);
	encoding.writeVarUint(head, type);
	encoding.writeVarUint(head, length);
	return encoding.toUint8Array(head);
}
