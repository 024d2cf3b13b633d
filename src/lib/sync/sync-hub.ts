/**
 * The documents the signed-in person has open, one DocumentSession each, shared by every part of
 * the page that reads them and closed when the last one lets go. The hub also:
 * - replaces a session whose copy the server reset (4400) with a fresh one, so that readers
 *   re-read from scratch;
 * - forwards what sessions report (refusals, lost changes, revocations) to one listener, the
 *   notices;
 * - sums up the sync status for the indicator: offline, syncing, or online, and the number of
 *   local changes the server has not confirmed yet.
 * Offline copies are namespaced by account, so that two people sharing a browser never read each
 * other's copies.
 */
import { ObservableV2 } from 'lib0/observable';
import type * as Y from 'yjs';
import type { CloseReason, Rejection } from '../shared';
import {
	DocumentSession,
	type LocalCopy,
	type LostChange,
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
	rejected: (document: string, rejections: Rejection[]) => void;
	lost: (document: string, change: LostChange) => void;
	closed: (document: string, reason: CloseReason) => void;
	/** A document's session was replaced by a fresh one (after a reset). */
	replaced: (document: string, session: DocumentSession) => void;
};

export interface HubOptions extends Omit<SessionOptions, 'openLocalCopy'> {
	accountId: string;
	/** Opens the offline copy under a name; null keeps none (tests, the embedded widget). */
	openLocalCopy: ((storageName: string, doc: Y.Doc) => LocalCopy) | null;
	/** Whether the browser believes it is online. */
	isOnline?: () => boolean;
}

interface Held {
	session: DocumentSession;
	holds: number;
}

export class SyncHub extends ObservableV2<HubEvents> {
	readonly #held = new Map<string, Held>();
	readonly #options: HubOptions;

	constructor(options: HubOptions) {
		super();
		this.#options = options;
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

	release(name: string): void {
		const held = this.#held.get(name);
		if (!held || --held.holds > 0) return;
		this.#held.delete(name);
		held.session.destroy();
		this.emit('change', []);
	}

	summary(): SyncSummary {
		const sessions = [...this.#held.values()]
			.map((held) => held.session)
			.filter((session) => !session.closedFor);
		const pending = sessions.reduce((sum, session) => sum + session.pending, 0);
		const online = this.#options.isOnline?.() ?? true;
		if (
			!online ||
			(sessions.length > 0 && sessions.every((session) => session.status !== 'connected'))
		) {
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

	/** Deletes every offline copy this hub knows of (signing out on a shared computer). */
	async wipeOfflineCopies(): Promise<void> {
		await Promise.all([...this.#held.values()].map((held) => held.session.localCopy?.clearData()));
	}

	override destroy(): void {
		for (const held of this.#held.values()) held.session.destroy();
		this.#held.clear();
		super.destroy();
	}

	#startSession(name: string): DocumentSession {
		const { openLocalCopy, accountId, counts, ...options } = this.#options;
		const prefix = `console:${accountId}:`;
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
		session.on('pending', changed);
		session.on('rejected', (rejections) => this.emit('rejected', [name, rejections]));
		session.on('lost', (change) => this.emit('lost', [name, change]));
		session.on('closed', (reason) => {
			this.emit('closed', [name, reason]);
			if (reason.wipeLocalCopy && reason.reconnect) this.#replace(name, session);
			changed();
		});
		void session.start().then(changed);
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
