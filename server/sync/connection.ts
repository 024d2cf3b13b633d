/**
 * One WebSocket connection to one document, speaking the y-websocket protocol. Accepted message
 * types: sync (step 1, step 2, update), awareness, and awareness queries; anything else closes the
 * connection. Every step 2 and update goes through the document's validating `receive`; the
 * author then gets a verdict message naming the refused changes and why.
 *
 * Awareness (presence) is accepted only for clientIDs this account owns, and the server vouches for
 * the account id and name it carries, so nobody can appear on the page as somebody else.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { applyAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import {
	CLOSE,
	MESSAGE_VERDICT,
	PresenceSchema,
	type CloseReason,
	type Rejection
} from '../../src/lib/shared';
import type { Log } from '../observability/log';
import type { Metrics } from '../observability/metrics';
import type { EarlyMessage } from './early-messages';
import { TokenBucket, type SyncLimits } from './limits';
import {
	MESSAGE_AWARENESS,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_SYNC,
	awarenessMessage,
	syncMessageHead,
	type LiveDocument,
	type Peer,
	type Via
} from './live-document';

export interface Principal {
	accountId: string;
	name: string;
	email: string;
	sessionId: string;
	/** An embedded widget's session: it opens this one project's document and nothing else. */
	embedded?: { portalId: string; projectId: string };
}

/** Where a connection reports: its log (whose lines name the upgrade's request, the document, the account) and the metrics. */
export interface ConnectionReporting {
	log: Log;
	metrics: Metrics;
}

export class SyncConnection implements Peer {
	/** The clientIDs whose presence this connection publishes now. */
	readonly #awarenessClients = new Set<number>();
	/** Every clientID it ever spoke for: at most `maxPresenceClients` over its life. */
	readonly #spokenFor = new Set<number>();
	/** How many clientIDs this connection has added to the document. */
	#newClients = 0;
	readonly #bucket: TokenBucket;
	#closed = false;
	#resyncs = 0;

	constructor(
		private readonly ws: WebSocket,
		readonly principal: Principal,
		readonly document: LiveDocument,
		private readonly limits: SyncLimits,
		private readonly report: ConnectionReporting,
		private readonly onClose: (connection: SyncConnection) => void,
		/** The session's allowance of sync step 1 requests, shared by all its connections. */
		private readonly stateRequests: TokenBucket
	) {
		this.#bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
	}

	get accountId(): string {
		return this.principal.accountId;
	}

	get via(): Via | null {
		return this.principal.embedded ? { portalId: this.principal.embedded.portalId } : null;
	}

	/**
	 * Joins the document: asks for what the client has that the server lacks, shares presence,
	 * then handles, in order, the messages the client sent while its document loaded.
	 * `answeredFromStore`: the client was sent the stored state the document loaded from, in reply
	 * to its first message (early-messages.ts); it is sent what changed since, if anything.
	 */
	start(early: readonly EarlyMessage[] = [], answeredFromStore = false): void {
		this.document.peers.add(this);
		this.ws.on('message', (data: Buffer, isBinary: boolean) => this.#handle(data, isBinary));
		this.ws.on('close', () => this.#leave());
		this.ws.on('error', () => this.close(CLOSE.resetRequired));
		const since = answeredFromStore ? this.document.changesSinceLoad() : null;
		if (since) sendSync(this.ws, syncProtocol.messageYjsUpdate, since);
		this.#sendSyncStep1();
		const present = [...this.document.awareness.getStates().keys()];
		if (present.length > 0) this.send(awarenessMessage(this.document.awareness, present));
		for (const { data, isBinary } of early) this.#handle(data, isBinary);
	}

	send(message: Uint8Array): void {
		if (!this.#closed && this.ws.readyState === this.ws.OPEN) this.ws.send(message);
	}

	close(reason: CloseReason): void {
		if (this.#closed) return;
		this.#closed = true;
		this.report.log.info(
			{ code: reason.code, reason: reason.reason },
			'sync connection closed by the server'
		);
		this.ws.close(reason.code, reason.reason);
		this.#leave();
	}

	#leave(): void {
		if (!this.document.peers.delete(this)) return;
		this.#closed = true;
		removeAwarenessStates(this.document.awareness, [...this.#awarenessClients], this);
		this.onClose(this);
	}

	#handle(data: Buffer, isBinary: boolean): void {
		if (this.#closed) return;
		if (!isBinary) return this.close(CLOSE.resetRequired);
		if (data.byteLength > this.limits.maxMessageBytes) return this.close(CLOSE.messageTooBig);
		if (!this.#bucket.take()) {
			this.report.metrics.limitRefused('messagesPerSecond');
			return this.close(CLOSE.rateLimited);
		}
		try {
			const decoder = decoding.createDecoder(
				new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
			);
			switch (decoding.readVarUint(decoder)) {
				case MESSAGE_SYNC:
					return this.#sync(decoder);
				case MESSAGE_AWARENESS:
					return this.#awareness(decoding.readVarUint8Array(decoder));
				case MESSAGE_QUERY_AWARENESS:
					return this.send(
						awarenessMessage(this.document.awareness, [
							...this.document.awareness.getStates().keys()
						])
					);
				default:
					return this.close(CLOSE.resetRequired);
			}
		} catch (error) {
			this.report.log.warn({ err: error }, 'closing a connection: unreadable message');
			this.close(CLOSE.resetRequired);
		}
	}

	#sync(decoder: decoding.Decoder): void {
		const type = decoding.readVarUint(decoder);
		if (type === syncProtocol.messageYjsSyncStep1) {
			if (!this.stateRequests.take()) {
				this.report.metrics.limitRefused('stateRequestsPerMinute');
				return this.close(CLOSE.rateLimited);
			}
			if (!this.#closed)
				sendState(this.ws, this.document.missingFrom(decoding.readVarUint8Array(decoder)));
			return;
		}
		if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) {
			return this.close(CLOSE.resetRequired);
		}
		const limits = this.limits;
		const outcome = this.document.receive(this, decoding.readVarUint8Array(decoder), {
			limits: {
				...limits,
				maxNewClientsPerMessage: Math.min(
					limits.maxNewClientsPerMessage,
					limits.maxNewClientsPerConnection - this.#newClients
				)
			},
			tellAuthor: (rejected) => this.#sendVerdict(rejected)
		});
		this.report.metrics.messageJudged(outcome);
		if (outcome.kind === 'failed') return this.close(CLOSE.resetRequired);
		if (outcome.kind === 'reset') {
			this.report.log.warn({ problem: outcome.problem }, "resetting the client's copy");
			if (outcome.rejected.length > 0) this.#sendVerdict(outcome.rejected);
			return this.close(CLOSE.resetRequired);
		}
		this.#newClients += outcome.newClients;
		if (!outcome.resync) {
			this.#resyncs = 0;
		} else if (++this.#resyncs > this.limits.maxResyncs) {
			this.close(CLOSE.resetRequired);
		} else {
			this.#sendSyncStep1();
		}
	}

	#sendSyncStep1(): void {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(encoder, this.document.doc);
		this.send(encoding.toUint8Array(encoder));
	}

	#sendVerdict(rejected: Rejection[]): void {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_VERDICT);
		encoding.writeVarString(encoder, JSON.stringify({ document: this.document.name, rejected }));
		this.send(encoding.toUint8Array(encoder));
	}

	/** Keeps the entries for this account's own clientIDs, with the presence the server vouches for. */
	#awareness(update: Uint8Array): void {
		const decoder = decoding.createDecoder(update);
		const encoder = encoding.createEncoder();
		const count = decoding.readVarUint(decoder);
		let kept = 0;
		const entries = encoding.createEncoder();
		for (let index = 0; index < count; index++) {
			const clientId = decoding.readVarUint(decoder);
			const clock = decoding.readVarUint(decoder);
			const state = this.#vouchedPresence(decoding.readVarString(decoder));
			if (state === undefined || !this.#mayPresent(clientId)) continue;
			encoding.writeVarUint(entries, clientId);
			encoding.writeVarUint(entries, clock);
			encoding.writeVarString(entries, JSON.stringify(state));
			if (state === null) this.#awarenessClients.delete(clientId);
			else this.#awarenessClients.add(clientId);
			kept += 1;
		}
		if (kept === 0) return;
		encoding.writeVarUint(encoder, kept);
		encoding.writeUint8Array(encoder, encoding.toUint8Array(entries));
		applyAwarenessUpdate(this.document.awareness, encoding.toUint8Array(encoder), this);
	}

	/**
	 * A connection speaks for a few clientIDs of its own account: a tab has one. Presence for
	 * more is dropped, so that one connection cannot fill everybody's page with people.
	 */
	#mayPresent(clientId: number): boolean {
		if (!this.#spokenFor.has(clientId) && this.#spokenFor.size >= this.limits.maxPresenceClients)
			return false;
		if (!this.document.claimFor(this.accountId, clientId)) return false;
		this.#spokenFor.add(clientId);
		return true;
	}

	/** null for "left"; undefined for a state that is not a presence. */
	#vouchedPresence(json: string): object | null | undefined {
		let state: unknown;
		try {
			state = JSON.parse(json);
		} catch {
			return undefined;
		}
		if (state === null) return null;
		const presence = PresenceSchema.safeParse(state);
		if (!presence.success) return undefined;
		return {
			...presence.data,
			user: { ...presence.data.user, accountId: this.accountId, name: this.principal.name }
		};
	}
}

/**
 * Answers a sync step 1 with `updates`, what the client lacks: all but the last as updates, the
 * last as the step 2, at which the client counts itself synced.
 */
export function sendState(ws: WebSocket, updates: readonly Uint8Array[]): void {
	updates.forEach((update, index) =>
		sendSync(
			ws,
			index < updates.length - 1 ? syncProtocol.messageYjsUpdate : syncProtocol.messageYjsSyncStep2,
			update
		)
	);
}

/**
 * A sync message of `type` carrying `update`, sent as two fragments of one message (its head,
 * then the update as it is): the whole state of a large document is not copied to be sent.
 */
function sendSync(ws: WebSocket, type: number, update: Uint8Array): void {
	if (ws.readyState !== ws.OPEN) return;
	ws.send(syncMessageHead(type, update.byteLength), { binary: true, fin: false });
	ws.send(update, { binary: true, fin: true });
}
