/**
 * The documents the server holds in memory. A document is loaded on first use, shared by every
 * connection to it, and unloaded some time after the last one leaves. A data view or private
 * document holds its project document loaded, because judging its changes needs the author's
 * current role.
 *
 * A connection opens its document with `open`, which loads it a slice at a time (document-load.ts)
 * and serves the other connections between two slices: however large the document, nobody else
 * waits for more than a slice. Once the load has read the whole log, and before it applies it, the
 * connections waiting for it hear what the log holds if it is a snapshot the server vouched for
 * (`StoredState`). The server's own uses (`acquire`, `change`, `read`) need the document at once:
 * they load it, or finish loading it, synchronously.
 */
import {
	deny,
	inviteesFrom,
	judgeProjectBatch,
	judgeViewChange,
	parseDocumentName,
	projectDocument,
	scopeIncludes,
	userDocument,
	type Decision,
	type DocumentKind,
	type DocumentName,
	type KindOf,
	type EntryChange,
	type Invitees
} from '../../src/lib/shared';
import { CLOSE } from '../../src/lib/shared';
import { ExtensionList, type DocumentExtension } from './extensions';
import type { Log } from '../observability/log';
import {
	LiveDocument,
	type ChangesMade,
	type DocumentHooks,
	type EntryWrite,
	type DocumentReporting,
	type DocumentOf,
	type Judge,
	type LiveDocumentOptions,
	type Refusal,
	type RootMaps,
	type Via
} from './live-document';
import { DocumentLoad, LOAD_SLICE_BYTES, type StoredState } from './document-load';
import type { DocumentStore, WaitingWrite } from './persistence';

export interface ProjectDirectory {
	projectExists(projectId: string): boolean;
	/**
	 * The zones of the consortium that the account with this address is known to belong to (SQL
	 * `zone_people`): what the policy needs to refuse inviting a person into another zone.
	 */
	zonesOfPerson(email: string, consortiumId: string): readonly string[];
}

export interface RegistryOptions extends LiveDocumentOptions {
	/**
	 * How long an unused document stays in memory, so that a page reload does not reload it.
	 * @default 30000
	 */
	unloadAfterMs?: number;
	/**
	 * How much of a stored log a connection's load reads and applies at a time, between two turns
	 * of the event loop (document-load.ts).
	 * @default LOAD_SLICE_BYTES (64 KiB)
	 */
	loadSliceBytes?: number;
}

interface Entry {
	document: LiveDocument;
	holds: number;
	project: LiveDocument | null;
	unloadTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * Hears what a loading document's stored log holds, once it is all read and before it is applied,
 * if it is a snapshot the server vouched for (the document's whole state, encoded already).
 */
export type StoredStateListener = (state: StoredState) => void;

/** A document being loaded, and the holds taken on it meanwhile. */
interface Loading {
	name: string;
	address: DocumentName;
	load: DocumentLoad;
	project: LiveDocument | null;
	holds: number;
	/** Who waits to hear the stored state; null once it was told (or there was none to tell). */
	storedStateListeners: StoredStateListener[] | null;
	outcome: { document: LiveDocument } | { error: unknown } | null;
	/** Resolves once `outcome` is set. */
	settled: Promise<void>;
	settle(): void;
}

export class DocumentRegistry implements DocumentHooks {
	readonly #extensions: ExtensionList;
	readonly #entries = new Map<string, Entry>();
	readonly #loading = new Map<string, Loading>();
	/** The loaded documents of each project, so that a membership change visits only its own. */
	readonly #byProject = new Map<string, Set<LiveDocument>>();
	readonly #store: DocumentStore;
	readonly #projects: ProjectDirectory;
	readonly #options: RegistryOptions & DocumentReporting;
	readonly #log: Log;

	/** `options.log`: each document logs through a child of it that names the document. */
	constructor(
		store: DocumentStore,
		projects: ProjectDirectory,
		options: RegistryOptions & DocumentReporting
	) {
		this.#store = store;
		this.#projects = projects;
		this.#options = options;
		this.#log = options.log;
		this.#extensions = new ExtensionList((failure, error) =>
			this.#log.error({ ...failure, err: error }, 'an extension failed')
		);
	}

	/**
	 * Appends extensions, which hear of every document loaded, every accepted change (by a client,
	 * or by the server with author null) and every refused one, in the order they were added.
	 */
	use(...extensions: DocumentExtension[]): this {
		this.#extensions.add(...extensions);
		return this;
	}

	accepted(
		document: LiveDocument,
		authorId: string | null,
		changes: readonly EntryChange[],
		via: Via | null
	): void {
		this.#extensions.run('onAccepted', document, authorId, changes, via);
	}

	refused(
		document: LiveDocument,
		authorId: string,
		refusals: readonly Refusal[],
		via: Via | null
	): void {
		this.#extensions.run('onRefused', document, authorId, refusals, via);
	}

	compacted(document: LiveDocument): void {
		this.#extensions.run('onCompacted', document);
	}

	/** Drops a document that no longer matches its log; the next use loads it again. */
	broken(document: LiveDocument): void {
		const entry = this.#entries.get(document.name);
		if (!entry || entry.document !== document) return;
		this.#forget(entry);
		if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
		for (const peer of [...document.peers]) peer.close(CLOSE.serverRestart);
		document.destroy();
		if (entry.project) this.release(entry.project);
	}

	/**
	 * The live document named `name`, held until `release`; null when there is no such document.
	 * Its kind is the one its name's type says: the document was made from that name.
	 */
	acquire<N extends string>(name: N): DocumentOf<KindOf<N>> | null {
		return this.#acquire(name) as DocumentOf<KindOf<N>> | null;
	}

	#acquire(name: string): LiveDocument | null {
		const existing = this.#entries.get(name);
		if (existing) return this.#hold(existing);
		const loading = this.#loading.get(name);
		if (loading) {
			loading.holds += 1;
			return this.#complete(loading);
		}
		const address = parseDocumentName(name);
		if (!address) return null;
		const projectName = projectDocumentOf(address);
		const held = projectName === null ? null : this.#acquire(projectName);
		const project = this.#projectOf(address, held);
		if (project === undefined) return null;
		return this.#complete(this.#startLoading(name, address, project));
	}

	/**
	 * The live document named `name` for a connection, held until `release`; null when there is no
	 * such document. A document not in memory is loaded a slice at a time, the event loop serving
	 * everything else between two slices; whoever opens it meanwhile waits for the same load.
	 * `onStoredState` hears, while it loads, what its stored log holds (`StoredStateListener`), if
	 * anything. Rejects when the stored log does not load (or the registry closed meanwhile).
	 */
	async open<N extends string>(
		name: N,
		onStoredState?: StoredStateListener
	): Promise<DocumentOf<KindOf<N>> | null> {
		return (await this.#open(name, onStoredState)) as DocumentOf<KindOf<N>> | null;
	}

	async #open(name: string, onStoredState?: StoredStateListener): Promise<LiveDocument | null> {
		if (this.#entries.has(name) || this.#loading.has(name)) return this.#join(name, onStoredState);
		const address = parseDocumentName(name);
		if (!address) return null;
		const projectName = projectDocumentOf(address);
		const held = projectName === null ? null : await this.#open(projectName);
		// While the project loaded, the document may have been loaded, or begun loading.
		if (this.#entries.has(name) || this.#loading.has(name)) {
			if (held) this.release(held);
			return this.#join(name, onStoredState);
		}
		const project = this.#projectOf(address, held);
		if (project === undefined) return null;
		const loading = this.#startLoading(name, address, project);
		if (onStoredState) loading.storedStateListeners!.push(onStoredState);
		try {
			const sliceBytes = this.#options.loadSliceBytes ?? LOAD_SLICE_BYTES;
			while (!loading.outcome && loading.load.step(sliceBytes)) {
				this.#tellStoredState(loading);
				await nextTurn();
			}
		} catch (error) {
			this.#abandon(loading, error);
		}
		return this.#complete(loading);
	}

	/** A hold on a document in memory or being loaded, once it is loaded. */
	async #join(name: string, onStoredState?: StoredStateListener): Promise<LiveDocument | null> {
		const existing = this.#entries.get(name);
		if (existing) return this.#hold(existing);
		const loading = this.#loading.get(name)!;
		loading.holds += 1;
		if (onStoredState) {
			if (loading.storedStateListeners) loading.storedStateListeners.push(onStoredState);
			else this.#share(loading.load, [onStoredState]);
		}
		await loading.settled;
		return this.#outcomeOf(loading);
	}

	/** Tells the waiting connections the stored state, once, as soon as the whole log is read. */
	#tellStoredState(loading: Loading): void {
		const listeners = loading.storedStateListeners;
		if (listeners === null || !loading.load.allRead) return;
		loading.storedStateListeners = null;
		this.#share(loading.load, listeners);
	}

	#share(load: DocumentLoad, listeners: readonly StoredStateListener[]): void {
		const state = load.storedState;
		if (!state) return;
		load.storedStateShared = true;
		for (const listener of listeners) listener(state);
	}

	#hold(entry: Entry): LiveDocument {
		entry.holds += 1;
		if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
		entry.unloadTimer = null;
		return entry.document;
	}

	/**
	 * The project document a data view or private document needs (`held`, already held for it),
	 * null for one that needs none; undefined, and nothing held, when the document does not exist.
	 */
	#projectOf(address: DocumentName, held: LiveDocument | null): LiveDocument | null | undefined {
		if (address.kind === 'user') return null;
		const exists =
			address.kind === 'project'
				? this.#projects.projectExists(address.projectId)
				: held?.index?.view(address.viewId);
		if (exists) return held;
		if (held) this.release(held);
		return undefined;
	}

	#startLoading(name: string, address: DocumentName, project: LiveDocument | null): Loading {
		let settle = () => {};
		const settled = new Promise<void>((resolve) => (settle = resolve));
		const load = new DocumentLoad(
			name,
			address.kind,
			this.#store,
			this.#log.child({ document: name })
		);
		const loading: Loading = {
			name,
			address,
			load,
			project,
			holds: 1,
			storedStateListeners: [],
			outcome: null,
			settled,
			settle
		};
		this.#loading.set(name, loading);
		return loading;
	}

	/**
	 * Finishes a load at once (whatever slices are left) and makes it a live document, with every
	 * hold taken while it loaded; each load completes once.
	 */
	#complete(loading: Loading): LiveDocument {
		if (!loading.outcome) {
			loading.outcome = this.#makeLive(loading);
			this.#loading.delete(loading.name);
			loading.settle();
		}
		return this.#outcomeOf(loading);
	}

	/** Ends a load that cannot complete: whoever waits for it gets `error`. */
	#abandon(loading: Loading, error: unknown): void {
		if (loading.outcome) return;
		loading.outcome = { error };
		this.#loading.delete(loading.name);
		loading.load.doc.destroy();
		if (loading.project) this.release(loading.project);
		loading.settle();
	}

	#outcomeOf(loading: Loading): LiveDocument {
		const outcome = loading.outcome!;
		if ('error' in outcome) throw outcome.error;
		return outcome.document;
	}

	#makeLive({ name, address, load, project, holds }: Loading): Loading['outcome'] {
		let document: LiveDocument | null = null;
		try {
			load.finish();
			document = new LiveDocument(
				name,
				address,
				load,
				this.#store,
				this,
				(doc) => this.#rules(doc, address, project),
				{ ...this.#options, log: this.#log.child({ document: name }) }
			);
			this.#remember({ document, holds, project, unloadTimer: null });
			document.applyRepairs();
			this.#makeWaitingWrites(document);
		} catch (error) {
			// A log that does not load, or a repair or waiting write that cannot be stored: nothing
			// is held. A repair's failure may have dropped the document already (`broken`), its
			// project with it.
			const held = this.#entries.get(name);
			if (document && held?.document !== document) return { error };
			if (held) this.#forget(held);
			if (document) document.destroy();
			else load.doc.destroy();
			if (project) this.release(project);
			return { error };
		}
		this.#extensions.run('onLoad', document);
		return { document };
	}

	release(document: LiveDocument): void {
		const entry = this.#entries.get(document.name);
		if (!entry || entry.document !== document) return;
		entry.holds -= 1;
		if (entry.holds > 0) return;
		entry.unloadTimer = setTimeout(
			() => this.#unload(entry),
			this.#options.unloadAfterMs ?? 30_000
		);
		entry.unloadTimer.unref();
	}

	/**
	 * A trusted server-side change, loading the document for its duration; null if it does not
	 * exist. `authorId`: made for that person, after the server judged it (`LiveDocument.change`).
	 */
	change<N extends string>(
		name: N,
		edit: (roots: RootMaps<KindOf<N>>) => void,
		authorId: string | null = null
	): EntryChange[] | null {
		const document = this.acquire(name);
		if (!document) return null;
		try {
			// The document was made from this name, so it has the roots its kind names.
			return document.change(edit as (roots: RootMaps<DocumentKind>) => void, authorId);
		} finally {
			this.release(document);
		}
	}

	/**
	 * The server's writes to entries of an account's own document, which only the server writes
	 * and nobody needs at once: made now if the document is in memory, else kept in the store and
	 * made in the commit of its next load. So a change to someone's memberships does not load their
	 * document (and compact it later) for one line in it. A write to an entry replaces the one
	 * waiting for it; one that expired before the load is not made (`WaitingWrite.expiresAt`).
	 */
	writeUserDocument(accountId: string, writes: readonly WaitingWrite[]): void {
		const name = userDocument(accountId);
		const now = (this.#options.now ?? Date.now)();
		const live = writes.filter(unexpiredAt(now));
		const loaded = this.#entries.get(name)?.document;
		if (loaded) return void loaded.writeEntries(live);
		if (this.#store.waitingWrites(name) < MAX_WAITING_WRITES)
			return this.#store.keepUntilLoaded(name, live, now);
		// So many wait (someone away for long, whose requests come and go) that the document is
		// loaded, which makes them, rather than keep more.
		const document = this.#acquire(name)!;
		try {
			document.writeEntries(live);
		} finally {
			this.release(document);
		}
	}

	/**
	 * Makes the writes kept for an account's document while it was not in memory, in one commit
	 * with forgetting them. Should that commit roll back (a load inside a change that fails), the
	 * writes wait again and the document, which may hold them already, is dropped, to load again.
	 */
	#makeWaitingWrites(document: LiveDocument): void {
		if (document.address.kind !== 'user') return;
		const now = (this.#options.now ?? Date.now)();
		this.#store.atomically(() => {
			const writes = this.#store.takeWaitingWrites(document.name).filter((write) => {
				if (!document.roots.has(write.root)) {
					this.#log.warn(
						{ document: document.name, root: write.root },
						'a waiting write to a root the document does not have was dropped'
					);
					return false;
				}
				return unexpiredAt(now)(write);
			});
			this.#store.onRollback(() => this.broken(document));
			document.writeEntries(writes);
		});
	}

	/**
	 * Changes made for a person (`LiveDocument.changeAs`): judged by the policy as theirs, heard by
	 * the extensions as theirs; null if the document does not exist.
	 */
	changeAs(name: string, authorId: string, writes: readonly EntryWrite[]): ChangesMade | null {
		const document = this.acquire(name);
		if (!document) return null;
		try {
			return document.changeAs(authorId, writes);
		} finally {
			this.release(document);
		}
	}

	/**
	 * What is known of the zones of addresses invited to this project: the zones claiming their
	 * domains, else the zones the server knows their person to belong to (SQL `zone_people`).
	 */
	invitees(project: DocumentOf<'project'>): Invitees {
		return inviteesFrom(
			() => project.root('zones').values(),
			(email) => this.#projects.zonesOfPerson(email, project.index!.project.consortiumId)
		);
	}

	/** Reads a document, loading it for the duration; null if it does not exist. */
	read<N extends string, T>(name: N, reader: (document: DocumentOf<KindOf<N>>) => T): T | null {
		const document = this.acquire(name);
		if (!document) return null;
		try {
			return reader(document);
		} finally {
			this.release(document);
		}
	}

	/** The loaded documents of a project: its project document, its views' and private ones. */
	documentsOfProject(projectId: string): Iterable<LiveDocument> {
		return [...(this.#byProject.get(projectId) ?? [])];
	}

	#remember(entry: Entry): void {
		this.#entries.set(entry.document.name, entry);
		const address = entry.document.address;
		if (address.kind === 'user') return;
		const ofProject = this.#byProject.get(address.projectId) ?? new Set<LiveDocument>();
		this.#byProject.set(address.projectId, ofProject.add(entry.document));
	}

	#forget(entry: Entry): void {
		this.#entries.delete(entry.document.name);
		const address = entry.document.address;
		if (address.kind === 'user') return;
		const ofProject = this.#byProject.get(address.projectId);
		ofProject?.delete(entry.document);
		if (ofProject?.size === 0) this.#byProject.delete(address.projectId);
	}

	/** How many documents are in memory, those waiting to be unloaded included. */
	get size(): number {
		return this.#entries.size;
	}

	get<N extends string>(name: N): DocumentOf<KindOf<N>> | undefined {
		return this.#entries.get(name)?.document as DocumentOf<KindOf<N>> | undefined;
	}

	/**
	 * Unloads a document nobody holds; one whose log grew since it loaded is compacted first, a
	 * chunk at a time, and whoever opens it meanwhile keeps it in memory.
	 */
	#unload(entry: Entry): void {
		if (entry.holds > 0 || this.#entries.get(entry.document.name) !== entry) return;
		if (!entry.document.compactionNeeded()) return this.#drop(entry);
		entry.document.compactInSlices().then(
			() => this.#unload(entry),
			(error: unknown) => {
				this.#log.error(
					{ err: error, document: entry.document.name },
					'compacting failed; the log stays as it is'
				);
				if (entry.holds === 0) this.#drop(entry);
			}
		);
	}

	#drop(entry: Entry): void {
		if (this.#entries.get(entry.document.name) !== entry) return;
		this.#forget(entry);
		entry.document.destroy();
		if (entry.project) this.release(entry.project);
	}

	/** Compacts and unloads every document at once (server shutdown); loads under way are abandoned. */
	close(): void {
		for (const loading of [...this.#loading.values()])
			this.#abandon(loading, new Error(`${loading.name}: the server is closing`));
		for (const entry of [...this.#entries.values()]) {
			if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
			if (entry.document.compactionNeeded()) entry.document.compact();
			this.#drop(entry);
		}
	}

	#rules(document: LiveDocument, address: DocumentName, project: LiveDocument | null): Judge {
		switch (address.kind) {
			case 'project':
				return (authorId, changes) => {
					const facts = document.index!.before(changes);
					const invitees = this.invitees(document as DocumentOf<'project'>);
					return judgeProjectBatch(facts, authorId, changes, invitees).map(
						(verdict) => verdict.decision
					);
				};
			case 'view':
			case 'private': {
				const placement = address.kind === 'view' ? 'shared' : 'private';
				return (authorId, changes) => {
					const member = project!.index!.member(authorId);
					const mayWrite =
						member &&
						scopeIncludes(member.scope, address.viewId) &&
						(address.kind === 'view' || address.accountId === authorId);
					if (!mayWrite)
						return changes.map(() =>
							deny('not-a-member', 'You no longer have access to this data view.')
						);
					const view = { facts: project!.index!, viewId: address.viewId };
					return changes.map((change) =>
						judgeViewChange({ accountId: authorId, role: member.role }, placement, change, view)
					);
				};
			}
			case 'user':
				return (_, changes) =>
					changes.map((): Decision =>
						deny('server-only', 'Your account document is maintained by the server.')
					);
		}
	}
}

/** The project document a data view or private document is judged with; null for the others. */
function projectDocumentOf(address: DocumentName): string | null {
	return address.kind === 'view' || address.kind === 'private'
		? projectDocument(address.projectId)
		: null;
}

/** Whether a waiting write is still worth making at `now`. */
function unexpiredAt(now: number): (write: WaitingWrite) => boolean {
	return (write) => write.expiresAt === null || write.expiresAt > now;
}

/**
 * How many writes may wait for one document (one per entry) before the next loads it instead: what
 * waits for someone who never signs in stays bounded, whatever others do meanwhile.
 */
const MAX_WAITING_WRITES = 200;

/** Lets the event loop serve what is waiting (I/O first) before the next slice. */
function nextTurn(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
