/**
 * The documents the signed-in person has open, one DocumentSession each, shared by every part of
 * the page that reads them. The hub also:
 * - keeps a document connected after the last reader lets go for as long as it has local changes
 *   the server has not confirmed (the person changed a role offline, then went to another page),
 *   and closes it once they are confirmed;
 * - reopens, when it starts, every document whose unconfirmed changes were counted before a
 *   reload, so that they are sent without the person opening that project again;
 * - replaces a session whose copy the server reset (4400) with a fresh one, so that readers
 *   re-read from scratch;
 * - forwards what sessions report (refusals, lost changes, revocations) to one listener, the
 *   notices;
 * - sums up the sync status for the indicator: offline, syncing, or online, and the number of
 *   local changes the server has not confirmed yet, in every document it keeps;
 * - deletes the account's offline copies, open or not, at sign-out.
 * Offline copies are namespaced by account, so that two people sharing a browser never read each
 * other's copies.
 */
import { ObservableV2 } from 'lib0/observable';
import type * as Y from 'yjs';
import type { CloseReason } from '../shared';
import {
	DocumentSession,
	PENDING_COUNT_PREFIX,
	pendingCountKey,
	type ClosedCopy,
	type LocalCopy,
	type LostChange,
	type RefusedChange,
	type SessionOptions
} from './document-session';

export type SyncStatus = 'online' | 'offline' | 'syncing';

export interface SyncSummary {
	status: SyncStatus;
	pending: number;
}

export type HubEvents = {
	/** The summary may have changed. */
	change: () => void;
	rejected: (document: string, refused: RefusedChange[]) => void;
	lost: (document: string, change: LostChange) => void;
	closed: (document: string, reason: CloseReason, copy: ClosedCopy) => void;
	/** A document's session was replaced by a fresh one (after a reset). */
	replaced: (document: string, session: DocumentSession) => void;
};

/** Every offline copy stored on this device, open or not (IndexedDB's databases in the browser). */
export interface StoredCopies {
	names(): Promise<string[]>;
	delete(storageName: string): Promise<void>;
}

export interface HubOptions extends Omit<SessionOptions, 'openLocalCopy' | 'counts'> {
	accountId: string;
	/** Opens the offline copy under a name; null keeps none (tests, the embedded widget). */
	openLocalCopy: ((storageName: string, doc: Y.Doc) => LocalCopy) | null;
	/**
	 * Where pending counts survive a reload (localStorage); listed when the hub starts, to reopen
	 * the documents that still have unconfirmed changes.
	 */
	counts?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'> | null;
	/** Lets sign-out delete the copies of documents that are not open. */
	storedCopies?: StoredCopies | null;
	/** Whether the browser believes it is online. */
	isOnline?: () => boolean;
}

interface Held {
	session: DocumentSession;
	/** Readers holding it; 0 while the hub keeps it only for its unconfirmed changes. */
	holds: number;
}

export class SyncHub extends ObservableV2<HubEvents> {
	readonly #held = new Map<string, Held>();
	readonly #options: HubOptions;

	constructor(options: HubOptions) {
		super();
		this.#options = options;
		for (const name of this.#documentsWithPendingChanges()) {
			this.#held.set(name, { session: this.#startSession(name), holds: 0 });
		}
	}

	/** The session of a document, opened (and connected) on first use; call `release` when done. */
	open(name: string): DocumentSession {
		const held = this.#held.get(name);
		if (held) {
			held.holds += 1;
			return held.session;
		}
		const session = this.#startSession(name);
		this.#held.set(name, { session, holds: 1 });
		return session;
	}

	/** The open session of a document, if any, without holding it. */
	get(name: string): DocumentSession | undefined {
		return this.#held.get(name)?.session;
	}

	/** Lets go of a document; it stays connected until its local changes are confirmed. */
	release(name: string): void {
		const held = this.#held.get(name);
		if (!held || held.holds === 0) return;
		held.holds -= 1;
		this.#closeIfDone(name);
	}

	summary(): SyncSummary {
		const sessions = [...this.#held.values()]
			.map((held) => held.session)
			.filter((session) => !session.closedFor);
		const pending = sessions.reduce((sum, session) => sum + session.pending, 0);
		const online = this.#options.isOnline?.() ?? true;
		if (!online || (sessions.length > 0 && sessions.every((session) => session.unreachable))) {
			return { status: 'offline', pending };
		}
		const settled = sessions.every((session) => session.synced && session.pending === 0);
		return { status: settled ? 'online' : 'syncing', pending };
	}

	/**
	 * New URL parameters for every connection, now and later (the embedded widget's renewed
	 * token); open documents reconnect with them and keep their state.
	 */
	reauthenticate(params: Record<string, string>): void {
		this.#options.params = { ...params };
		for (const held of this.#held.values()) held.session.reauthenticate(params);
		this.emit('change', []);
	}

	/**
	 * Deletes every offline copy of the account on this device, open or not, and the counts of
	 * its unconfirmed changes (signing out on a shared computer).
	 */
	async wipeOfflineCopies(): Promise<void> {
		const sessions = [...this.#held.values()].map((held) => held.session);
		await Promise.all(sessions.map((session) => session.localCopy?.clearData()));
		const stored = this.#options.storedCopies;
		if (stored) {
			const open = new Set(sessions.map((session) => this.#prefix + session.name));
			const names = await stored.names();
			await Promise.all(
				names
					.filter((name) => name.startsWith(this.#prefix) && !open.has(name))
					.map((name) => stored.delete(name))
			);
		}
		for (const name of this.#documentsWithPendingChanges())
			this.#options.counts?.removeItem(this.#prefix + pendingCountKey(name));
	}

	override destroy(): void {
		for (const held of this.#held.values()) held.session.destroy();
		this.#held.clear();
		super.destroy();
	}

	/** Offline copies and counts are stored under this prefix. */
	get #prefix(): string {
		return `console:${this.#options.accountId}:`;
	}

	/** The documents whose unconfirmed changes were counted in `counts`, open or not. */
	#documentsWithPendingChanges(): string[] {
		const counts = this.#options.counts;
		if (!counts) return [];
		const prefix = this.#prefix + PENDING_COUNT_PREFIX;
		const names: string[] = [];
		for (let index = 0; index < counts.length; index += 1) {
			const key = counts.key(index);
			if (key?.startsWith(prefix)) names.push(key.slice(prefix.length));
		}
		return names;
	}

	/**
	 * Closes a document nobody reads any more, unless it still has changes to send: those keep it
	 * connected until the server confirms them (or closes it for good).
	 */
	#closeIfDone(name: string): void {
		const held = this.#held.get(name);
		if (!held || held.holds > 0) return;
		const { session } = held;
		const stopped = session.closedFor !== null && !session.closedFor.reconnect;
		if (session.pending > 0 && !stopped) return;
		this.#held.delete(name);
		session.destroy();
		this.emit('change', []);
	}

	#startSession(name: string): DocumentSession {
		const { openLocalCopy, counts, ...options } = this.#options;
		const prefix = this.#prefix;
		const session = new DocumentSession(name, {
			...options,
			openLocalCopy: openLocalCopy
				? (documentName, doc) => openLocalCopy(prefix + documentName, doc)
				: null,
			counts: counts
				? {
						getItem: (key) => counts.getItem(prefix + key),
						setItem: (key, value) => counts.setItem(prefix + key, value),
						removeItem: (key) => counts.removeItem(prefix + key)
					}
				: null
		});
		const changed = () => this.emit('change', []);
		session.on('status', changed);
		session.on('synced', changed);
		session.on('pending', (pending) => {
			changed();
			// After the message that confirmed them has been handled, not in the middle of it.
			if (pending === 0) queueMicrotask(() => this.#closeIfDone(name));
		});
		session.on('rejected', (refused) => this.emit('rejected', [name, refused]));
		session.on('lost', (change) => this.emit('lost', [name, change]));
		session.on('closed', (reason, copy) => {
			this.emit('closed', [name, reason, copy]);
			if (reason.wipeLocalCopy && reason.reconnect) this.#replace(name, session);
			changed();
			this.#closeIfDone(name);
		});
		void session.start().then(() => {
			changed();
			this.#closeIfDone(name);
		});
		return session;
	}

	/** The server reset this copy: start over with an empty one. */
	#replace(name: string, old: DocumentSession): void {
		const held = this.#held.get(name);
		if (!held || held.session !== old) return;
		old.destroy();
		held.session = this.#startSession(name);
		this.emit('replaced', [name, held.session]);
	}
}
