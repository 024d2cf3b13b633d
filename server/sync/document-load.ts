/**
 * A document being loaded from its stored log, a slice at a time: each `step` reads about
 * `LOAD_SLICE_BYTES` of the log and applies it, so that the registry can serve other connections
 * between two steps (a compacted snapshot comes in chunks that apply one by one: snapshot.ts).
 * `finish` applies the rest at once, for a caller that needs the document now.
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
	#done = false;

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

	/** Reads and applies the next slice of the log; false once there was nothing left. */
	step(maxBytes = LOAD_SLICE_BYTES): boolean {
		if (this.#done) return false;
		const updates = this.store.read(this.name, this.#afterId, maxBytes);
		if (updates.length === 0) {
			this.#done = true;
			return false;
		}
		this.#afterId = updates[updates.length - 1]!.id;
		const vouched: StoredUpdate[] = [];
		for (const update of updates) {
			const problem = distrust(this.name, update.data, update.mark);
			// An update appended as it came is the usual case; a mark that does not hold is not.
			if (problem !== null && update.mark !== null && !this.#told) {
				this.#told = true;
				this.log.warn({ problem }, 'a snapshot is read entry by entry');
			}
			this.#count(update, problem === null);
			if (this.#vouched && problem === null) vouched.push(update);
			else this.#vouched = false;
		}
		this.doc.transact(() => {
			for (const { data } of vouched) Y.applyUpdate(this.doc, data);
		}, LOAD_ORIGIN);
		const rest = updates.slice(vouched.length);
		if (rest.length > 0) {
			this.doc.transact((transaction) => {
				for (const { data } of rest) Y.applyUpdate(this.doc, data);
				this.#noteWritten(transaction);
			}, LOAD_ORIGIN);
		}
		return true;
	}

	/** Reads and applies the rest of the log at once. */
	finish(): void {
		while (this.step(Number.POSITIVE_INFINITY));
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
