/**
 * One document on the client: the Y.Doc, its offline copy (IndexedDB in the browser) and its
 * connection to the sync server (the stock y-websocket provider), plus what the console adds on
 * top of y-websocket:
 * - the server's close codes: delete the local copy when access is gone, reset it when the server
 *   says it cannot be reconciled, stop when the session is over (src/lib/shared/sync-protocol.ts);
 * - verdicts: the changes the server refused, with their reasons, what we had written and what
 *   the entry holds once the server has put it back (told once the server has confirmed what we
 *   sent, so that the entry reads as it stands, with the stamps of whoever changed it last);
 * - changes of ours that another change replaced before the server confirmed them, with the value
 *   that stands (the server orders concurrent writes by their arrival and writes the later one,
 *   so a write that merely lost Yjs' ordering locally is no loss: it is told only once the server
 *   has confirmed everything and the entry still holds another value);
 * - the number of local changes the server has not confirmed yet, and how many of them were
 *   dropped with the copy when the server closed the document for good.
 * It is plain TypeScript (no Svelte), so that it runs the same in the browser and in Node tests.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import { WebsocketProvider } from 'y-websocket';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
	CLOSE,
	MESSAGE_VERDICT,
	VerdictSchema,
	closeReasonFor,
	sameValue,
	type CloseReason,
	type Rejection
} from '../shared';
import { PendingChanges } from './pending-changes';

/** Where a document's count of unconfirmed changes is kept (`counts`), so that it survives a reload. */
export const PENDING_COUNT_PREFIX = 'pending-changes:';

export function pendingCountKey(name: string): string {
	return PENDING_COUNT_PREFIX + name;
}

/** The offline copy of a document: y-indexeddb in the browser. */
export interface LocalCopy {
	readonly whenSynced: Promise<unknown>;
	clearData(): Promise<void>;
	destroy(): Promise<void> | void;
}

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface LostChange {
	root: string;
	key: string;
	/** The value that won, written concurrently by someone else. */
	winner: unknown;
	/** What we had written. */
	attempted: unknown;
}

/** A change of ours the server refused. */
export interface RefusedChange {
	rejection: Rejection;
	/** The entry as we had written it (undefined: we had removed it). */
	attempted: unknown;
	/** The entry as it stands once the server has put it back (undefined: there is none). */
	current: unknown;
}

/** What the closing of a document for good took with it. */
export interface ClosedCopy {
	/** The document held entries on this device before the close. */
	hadCopy: boolean;
	/** Local changes the server had not confirmed, dropped with the copy (0 when it is kept). */
	unsent: number;
}

export type SessionEvents = {
	status: (status: ConnectionStatus) => void;
	synced: (synced: boolean) => void;
	pending: (pending: number) => void;
	rejected: (refused: RefusedChange[]) => void;
	lost: (change: LostChange) => void;
	/** The server closed the connection for good; `reason.wipeLocalCopy` tells what became of the copy. */
	closed: (reason: CloseReason, copy: ClosedCopy) => void;
};

export interface SessionOptions {
	/** The sync endpoint, e.g. `wss://console.example.org/sync`. */
	url: string;
	/** Opens the offline copy of a document; null keeps no offline copy. */
	openLocalCopy?: ((name: string, doc: Y.Doc) => LocalCopy) | null;
	/** Where the pending count survives a reload (localStorage in the browser). */
	counts?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
	WebSocketPolyfill?: typeof WebSocket;
	/** Sent as URL parameters (the embedded widget's session token). */
	params?: Record<string, string>;
	/** Wait before asking the server to confirm fresh changes, so that a burst is asked about once. */
	confirmAfterMs?: number;
}

interface OwnWrite {
	root: string;
	key: string;
	value: unknown;
}

export class DocumentSession extends ObservableV2<SessionEvents> {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	readonly localCopy: LocalCopy | null;
	status: ConnectionStatus = 'disconnected';
	closedFor: CloseReason | null = null;
	/** The last attempt to reach the server failed, and none has succeeded since. */
	#attemptFailed = false;
	readonly #pending: PendingChanges;
	readonly #ownWrites = new Map<string, OwnWrite>();
	/** Refused changes, by entry, until the server has confirmed what we sent and put them back. */
	readonly #refused = new Map<string, { rejection: Rejection; attempted: unknown }>();
	#confirmTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		readonly name: string,
		private readonly options: SessionOptions
	) {
		super();
		const countKey = pendingCountKey(name);
		this.#pending = new PendingChanges(
			Number(options.counts?.getItem(countKey) ?? 0),
			(pending) => {
				if (pending > 0) options.counts?.setItem(countKey, String(pending));
				else options.counts?.removeItem(countKey);
				if (pending === 0) this.#tellWhatBecameOfOurWrites();
				this.emit('pending', [pending]);
			}
		);
		this.localCopy = options.openLocalCopy?.(name, this.doc) ?? null;
		this.provider = new WebsocketProvider(options.url, name, this.doc, {
			connect: false,
			disableBc: true,
			params: options.params ?? {},
			...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {})
		});
		this.#watchLocalChanges();
		this.#watchProvider();
	}

	get pending(): number {
		return this.#pending.pending;
	}

	get synced(): boolean {
		return this.provider.synced;
	}

	/**
	 * The server cannot be reached now: a connection was lost or an attempt failed, and none has
	 * succeeded since. Not while the first attempt is under way (right after sign-in or a page
	 * load), which is syncing, not offline.
	 */
	get unreachable(): boolean {
		return this.status !== 'connected' && this.#attemptFailed;
	}

	/** Opens the offline copy, then connects. Resolves once the offline copy is loaded. */
	async start(): Promise<void> {
		await this.localCopy?.whenSynced;
		if (!this.closedFor) this.provider.connect();
	}

	/**
	 * Connects again with new URL parameters (the embedded widget's renewed token): an open
	 * connection is replaced at once, one the server closed as unauthenticated is resumed. The
	 * document, its unconfirmed changes and its readers stay as they are.
	 */
	reauthenticate(params: Record<string, string>): void {
		this.provider.params = { ...params };
		if (this.closedFor && this.closedFor.code !== CLOSE.unauthenticated.code) return;
		this.closedFor = null;
		this.provider.disconnect();
		this.provider.connect();
	}

	map<T = unknown>(root: string): Y.Map<T> {
		return this.doc.getMap<T>(root);
	}

	override destroy(): void {
		if (this.#confirmTimer) clearTimeout(this.#confirmTimer);
		this.provider.destroy();
		void this.localCopy?.destroy();
		this.doc.destroy();
		super.destroy();
	}

	#isLocal(origin: unknown): boolean {
		return origin !== this.provider && (this.localCopy === null || origin !== this.localCopy);
	}

	#watchLocalChanges(): void {
		this.doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (!this.#isLocal(transaction.origin) || transaction.changed.size === 0) return;
			this.#pending.recordChange();
			for (const [type, keys] of transaction.changed) {
				const root = rootName(type);
				for (const key of keys) {
					if (key === null || !root) continue;
					const id = `${root}\u0000${key}`;
					this.#refused.delete(id);
					this.#ownWrites.set(id, { root, key, value: asMap(type).get(key) });
				}
			}
			this.#scheduleConfirmation();
		});
	}

	/**
	 * Once the server has confirmed every change of ours: the refused ones are told with the entry
	 * as the server put it back. An entry we wrote that somebody else has written since (another
	 * author's stamp, or removed, or added again) was replaced by their later change. What the
	 * server adds to our entry on its own (an invitation marked sent) is no replacement.
	 */
	#tellWhatBecameOfOurWrites(): void {
		this.#tellRefusals();
		for (const own of this.#ownWrites.values()) {
			const current = this.map(own.root).get(own.key);
			if (!sameValue(current, own.value) && writerOf(current) !== writerOf(own.value))
				this.emit('lost', [
					{ root: own.root, key: own.key, winner: current, attempted: own.value }
				]);
		}
		this.#ownWrites.clear();
	}

	#tellRefusals(): void {
		if (this.#refused.size === 0) return;
		const refused = [...this.#refused.values()].map(({ rejection, attempted }) => ({
			rejection,
			attempted,
			current: rejection.root ? this.map(rejection.root).get(rejection.key) : undefined
		}));
		for (const id of this.#refused.keys()) this.#ownWrites.delete(id);
		this.#refused.clear();
		this.emit('rejected', [refused]);
	}

	#scheduleConfirmation(): void {
		if (this.#confirmTimer || !this.provider.wsconnected) return;
		this.#confirmTimer = setTimeout(() => {
			this.#confirmTimer = null;
			const ws = this.provider.ws;
			if (
				!this.provider.synced ||
				!ws ||
				ws.readyState !== ws.OPEN ||
				!this.#pending.needsQuestion()
			)
				return;
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeSyncStep1(encoder, this.doc);
			this.#pending.questionAsked();
			ws.send(encoding.toUint8Array(encoder));
		}, this.options.confirmAfterMs ?? 30);
	}

	#watchProvider(): void {
		const handleSync = this.provider.messageHandlers[0]!;
		this.provider.messageHandlers[0] = (encoder, decoder, provider, emitSynced, messageType) => {
			const peek = decoding.clone(decoder);
			const syncType = decoding.readVarUint(peek);
			handleSync(encoder, decoder, provider, emitSynced, messageType);
			if (syncType === syncProtocol.messageYjsSyncStep2) {
				this.#pending.answerReceived();
				this.#scheduleConfirmation();
			}
		};
		this.provider.messageHandlers[MESSAGE_VERDICT] = (_encoder, decoder) => {
			const verdict = VerdictSchema.safeParse(JSON.parse(decoding.readVarString(decoder)));
			if (!verdict.success) return;
			// The verdict comes before the revert: our copy still holds what we wrote.
			for (const rejection of verdict.data.rejected) {
				const attempted = rejection.root ? this.map(rejection.root).get(rejection.key) : undefined;
				this.#refused.set(`${rejection.root}\u0000${rejection.key}`, { rejection, attempted });
			}
		};
		this.provider.on('status', ({ status }) => {
			this.status = status;
			if (status === 'connected') this.#attemptFailed = false;
			if (status === 'connected') this.#pending.connectionOpened();
			if (status === 'disconnected') this.#pending.connectionClosed();
			this.emit('status', [status]);
		});
		this.provider.on('sync', (synced: boolean) => {
			this.emit('synced', [synced]);
			if (synced) this.#scheduleConfirmation();
		});
		// Every closing socket, also one that never opened (the provider then stays "connecting").
		this.provider.on('connection-close', () => {
			this.#attemptFailed = true;
			this.emit('status', [this.status]);
		});
		this.provider.on('closed', ({ code }) => void this.#closedByServer(code));
	}

	async #closedByServer(code: number): Promise<void> {
		const reason = closeReasonFor(code);
		if (!reason) return;
		// Refusals that came just before the close are told now: no confirmation will follow.
		const refusedAlready = this.#refused.size;
		this.#tellRefusals();
		const copy: ClosedCopy = {
			hadCopy: [...this.doc.share.keys()].some((root) => this.map(root).size > 0),
			unsent: reason.wipeLocalCopy ? Math.max(0, this.pending - refusedAlready) : 0
		};
		if (reason.wipeLocalCopy) {
			await this.localCopy?.clearData();
			this.options.counts?.removeItem(pendingCountKey(this.name));
		}
		this.closedFor = reason;
		this.emit('closed', [reason, copy]);
	}
}

/** Who last wrote an entry as far as the entry says: its `updatedBy` stamp, or whether it exists. */
function writerOf(entry: unknown): string {
	if (entry === undefined) return 'absent';
	const stamp = (entry as { updatedBy?: unknown } | null)?.updatedBy;
	return typeof stamp === 'string' ? `by:${stamp}` : 'unstamped';
}

type SharedType = Pick<Y.AbstractType<never>, '_item' | 'doc'>;

/** Every root here is a map. */
function asMap(type: SharedType): Y.Map<unknown> {
	return type as unknown as Y.Map<unknown>;
}

/** The name of a root type of its document, or null for anything else. */
function rootName(type: SharedType): string | null {
	if (type._item !== null || !type.doc) return null;
	for (const [name, shared] of type.doc.share) if ((shared as unknown) === type) return name;
	return null;
}
