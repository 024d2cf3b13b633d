/**
 * A document being loaded from its stored log, a slice at a time, so that the registry can serve
 * other connections between two steps: each `step` first reads about `LOAD_SLICE_BYTES` of the log,
 * until all of it is read, then applies as much (a compacted snapshot comes in chunks that apply one
 * by one: snapshot.ts). `finish` does the rest at once, for a caller that needs the document now.
 *
 * The whole log is read before any of it is applied because reading is the cheap part (about a
 * tenth of a second for a 50,000-member snapshot of 9 MiB, against more than a second to apply it): once it is read, a log
 * that is nothing but a snapshot the server vouched for is the document's whole state, encoded
 * already (`storedState`), which a client that has nothing can be sent while the server still
 * applies it (sync-server.ts): the client decodes it meanwhile instead of after.
 *
 * What the server vouched for is applied as it is: the chunks of a snapshot it compacted from
 * entries it had validated (trust-mark.ts), as long as nothing it did not vouch for came before.
 * Of everything else (updates appended since, an earlier version's snapshot, a chunk that does not
 * match its mark) the load notes which entries it wrote, so that those, and only those, are read
 * through their schema and repaired (LiveDocument).
 */
import * as Y from 'yjs';
import { DOCUMENT_ROOTS, type DocumentKind } from '../../src/lib/shared';
import type { Log } from '../observability/log';
import type { DocumentStore, StoredUpdate } from './persistence';
import { distrust, snapshotStamp } from './trust-mark';

/** About this many bytes of the log per step: a few milliseconds of work. */
export const LOAD_SLICE_BYTES = 64 * 1024;

/** Origin of the transactions that load a document. */
const LOAD_ORIGIN = Symbol('load');

/** What a log that is nothing but a snapshot the server vouched for holds: its chunks, and its stamp. */
export interface StoredState {
	chunks: readonly Uint8Array[];
	stamp: string;
}

/** An update read from the log, waiting to be applied. */
interface ReadUpdate {
	data: Uint8Array;
	/** Applied as it is; otherwise the entries it writes are noted for repair. */
	vouched: boolean;
}

export class DocumentLoad {
	readonly doc: Y.Doc;
	/** Bytes of the whole log, and of the snapshot it starts with. */
	logBytes = 0;
	snapshotBytes = 0;
	/** Whether the server vouched for every chunk of that snapshot: nothing to rewrite on unload. */
	snapshotVouched = true;
	readonly #rootNames = new Map<unknown, string>();
	readonly #snapshotMarks: string[] = [];
	/** The snapshot's chunks as read, while the log is nothing but that snapshot. */
	#snapshotChunks: Uint8Array[] | null = [];
	/** The entries of each root that updates the server did not vouch for wrote. */
	readonly #unvouched = new Map<string, Set<string>>();
	/** Whether every update so far was vouched for: from the first that is not, none is. */
	#vouched = true;
	#inSnapshot = true;
	#told = false;
	#afterId = 0;
	/** Read, not applied yet, in the log's order; `#applied` of them are. */
	readonly #read: ReadUpdate[] = [];
	#applied = 0;
	#allRead = false;
	#done = false;
	/**
	 * Whether `storedState` was handed to a waiting connection (registry): only then does the live
	 * document keep the state it loaded as, to tell that client what changed since.
	 */
	storedStateShared = false;

	constructor(
		readonly name: string,
		kind: DocumentKind,
		private readonly store: DocumentStore,
		private readonly log: Log
	) {
		// Named by the document's name: without a guid Yjs makes a random UUID for every document,
		// 31 calls into the system's random source, which was a twentieth of the CPU of a change
		// that opens a user document (the server uses no subdocuments, the guid's only reader).
		this.doc = new Y.Doc({ gc: true, guid: name });
		for (const root of Object.keys(DOCUMENT_ROOTS[kind])) {
			this.#rootNames.set(this.doc.getMap(root), root);
		}
	}

	get done(): boolean {
		return this.#done;
	}

	/** Whether the whole log has been read (and `storedState` can be asked). */
	get allRead(): boolean {
		return this.#allRead;
	}

	/**
	 * Reads the next slice of the log or, once it is all read, applies the next slice of it; false
	 * once there was nothing left.
	 */
	step(maxBytes = LOAD_SLICE_BYTES): boolean {
		if (this.#done) return false;
		if (!this.#allRead) {
			this.#readSlice(maxBytes);
			return true;
		}
		if (this.#applied === this.#read.length) {
			this.#done = true;
			this.#read.length = 0;
			return false;
		}
		this.#applySlice(maxBytes);
		return true;
	}

	/** Reads and applies the rest of the log at once. */
	finish(): void {
		while (this.step(Number.POSITIVE_INFINITY));
	}

	/**
	 * Once the whole log is read, and if it is nothing but a snapshot the server vouched for: that
	 * snapshot, which is the document's whole state. Null otherwise.
	 */
	get storedState(): StoredState | null {
		const chunks = this.#allRead ? this.snapshotChunks : null;
		return chunks === null ? null : { chunks, stamp: this.snapshotStamp! };
	}

	#readSlice(maxBytes: number): void {
		const updates = this.store.read(this.name, this.#afterId, maxBytes);
		if (updates.length === 0) {
			this.#allRead = true;
			return;
		}
		this.#afterId = updates[updates.length - 1]!.id;
		for (const update of updates) {
			const problem = distrust(this.name, update.data, update.mark);
			// An update appended as it came is the usual case; a mark that does not hold is not.
			if (problem !== null && update.mark !== null && !this.#told) {
				this.#told = true;
				this.log.warn({ problem }, 'a snapshot is read entry by entry');
			}
			this.#count(update, problem === null);
			if (problem !== null) this.#vouched = false;
			this.#read.push({ data: update.data, vouched: this.#vouched });
		}
	}

	/** Applies about `maxBytes` of what was read: the vouched updates as they are, then the rest. */
	#applySlice(maxBytes: number): void {
		const slice: ReadUpdate[] = [];
		let bytes = 0;
		while (this.#applied < this.#read.length && (slice.length === 0 || bytes < maxBytes)) {
			const update = this.#read[this.#applied++]!;
			slice.push(update);
			bytes += update.data.byteLength;
		}
		const vouched = slice.filter((update) => update.vouched);
		const rest = slice.filter((update) => !update.vouched);
		if (vouched.length > 0) {
			this.doc.transact(() => {
				for (const { data } of vouched) Y.applyUpdate(this.doc, data);
			}, LOAD_ORIGIN);
		}
		if (rest.length > 0) {
			this.doc.transact((transaction) => {
				for (const { data } of rest) Y.applyUpdate(this.doc, data);
				this.#noteWritten(transaction);
			}, LOAD_ORIGIN);
		}
	}

	/** The stamp of the snapshot the log starts with, if the server vouched for it (trust-mark.ts). */
	get snapshotStamp(): string | null {
		return this.snapshotVouched && this.#snapshotMarks.length > 0
			? snapshotStamp(this.#snapshotMarks)
			: null;
	}

	/**
	 * The chunks of the snapshot the log consists of, as read, if the server vouched for it and
	 * nothing follows it: the document's whole state, encoded already, for the clients waiting for
	 * it (`LiveDocument.missingFrom`).
	 */
	get snapshotChunks(): Uint8Array[] | null {
		return this.logBytes === this.snapshotBytes && this.snapshotStamp !== null
			? this.#snapshotChunks
			: null;
	}

	/** The entries that updates the server did not vouch for wrote, root by root. */
	get unvouchedEntries(): ReadonlyMap<string, ReadonlySet<string>> {
		return this.#unvouched;
	}

	/**
	 * The log starts with a snapshot: the chunks that carry a mark or, in a log an earlier version
	 * compacted, its first update.
	 */
	#count(update: StoredUpdate, vouched: boolean): void {
		const bytes = update.data.byteLength;
		if (this.#inSnapshot && (update.mark !== null || this.logBytes === 0)) {
			this.snapshotBytes += bytes;
			if (!vouched) this.snapshotVouched = false;
			if (update.mark !== null) this.#snapshotMarks.push(update.mark);
			this.#snapshotChunks?.push(update.data);
		}
		if (update.mark === null) {
			this.#inSnapshot = false;
			this.#snapshotChunks = null;
		}
		this.logBytes += bytes;
	}

	#noteWritten(transaction: Y.Transaction): void {
		for (const [type, keys] of transaction.changed) {
			const root = this.#rootNames.get(type);
			if (root === undefined) continue;
			const written = this.#unvouched.get(root) ?? new Set<string>();
			for (const key of keys) if (key !== null) written.add(key);
			this.#unvouched.set(root, written);
		}
	}
}
