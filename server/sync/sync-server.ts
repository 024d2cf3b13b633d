/**
 * The sync endpoint, `/sync/<document name>`, on the console's HTTP server. The rights of a
 * connection are computed once, during the upgrade: the Origin must be allowed (else the upgrade is
 * refused with 403), then the session, the document and the account's read access decide whether
 * the socket stays open; refusals close it with a named code (docs/sync.md) that the client can
 * read. When a change takes away someone's read access, their open connections close with 4410.
 * An embedded widget's session opens its one project document only. A connection lives longer than
 * the check at its upgrade: once its session has expired or ended (signed out, ended from another
 * device, a password reset, a revoked portal), `recheckSessions` closes it (4401).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE, projectDocument, type CloseReason, type EntryChange } from '../../src/lib/shared';
import { decodePathSegment, parseRequestTarget } from '../http/request-target';
import type { Log } from '../observability/log';
import type { Metrics } from '../observability/metrics';
import { REQUEST_ID_HEADER, requestIdOf, whileHandling } from '../observability/request-id';
import { readAccess } from './access';
import type { DocumentExtension } from './extensions';
import { SyncConnection, sendState, type Principal } from './connection';
import { WaitingSockets, type EarlyMessages } from './early-messages';
import { DEFAULT_SYNC_LIMITS, TokenBucket, type SyncLimits } from './limits';
import type { StoredState } from './document-load';
import type { LiveDocument } from './live-document';
import type { DocumentRegistry } from './registry';

export const SYNC_PATH = '/sync/';

export interface SyncServerDeps {
	registry: DocumentRegistry;
	/** The signed-in account of the upgrade request, or null. */
	authenticate(req: IncomingMessage): Principal | null;
	isAllowedOrigin(origin: string): boolean;
	/**
	 * Whether a session still exists and has not expired. `authenticate` vouches for it at the
	 * upgrade; `recheckSessions` asks again for the connections opened with it.
	 * @default always current
	 */
	isSessionCurrent?(sessionId: string): boolean;
	/**
	 * Whether an account may read a document as stored, the snapshot named `stamp`, decided before
	 * the document is loaded: a client that asks for the whole document is then sent it while the
	 * server still loads it. Must answer as `readAccess` would on the loaded document, or no.
	 * @default no: every client is answered once its document is loaded
	 */
	mayReadStoredState?(name: string, accountId: string, stamp: string): boolean;
	/** Each upgrade logs through a child naming its request id and document. */
	log: Log;
	metrics: Metrics;
}

export interface SyncServer {
	readonly connections: ReadonlySet<SyncConnection>;
	/** Sockets whose document is still loading: their connections open, with what they sent, once it has. */
	readonly waitingForLoad: number;
	/**
	 * Closes (4401) the connections whose session has expired or ended, asking once per session;
	 * returns how many it closed. The app calls it every few seconds (expiry, and sessions ended by
	 * another process) and right after it ends sessions itself.
	 */
	recheckSessions(): number;
	close(): void;
}

export function attachSyncServer(
	server: Server,
	deps: SyncServerDeps,
	limits: Partial<SyncLimits> = {}
): SyncServer {
	const settings: SyncLimits = { ...DEFAULT_SYNC_LIMITS, ...limits };
	const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes * 2 });
	const connections = new Set<SyncConnection>();
	/** The open connections of each session, for the per-session limit and `recheckSessions`. */
	const bySession = new Map<string, Set<SyncConnection>>();
	/** Each session's sync step 1 allowance (limits.ts), kept past its connections until full again. */
	const stateRequestsBySession = new Map<string, TokenBucket>();
	const stateRequestsOf = (sessionId: string): TokenBucket => {
		let bucket = stateRequestsBySession.get(sessionId);
		if (!bucket) {
			bucket = new TokenBucket(settings.stateRequestsPerMinute / 60, settings.stateRequestBurst);
			stateRequestsBySession.set(sessionId, bucket);
		}
		return bucket;
	};
	/** Sockets waiting for their document to load. */
	const waiting = new WaitingSockets(settings);
	let closing = false;
	const { registry, metrics } = deps;
	/** The request id of each upgrade, for its answer's header (see `headers` below). */
	const upgradeIds = new WeakMap<IncomingMessage, string>();
	wss.on('headers', (headers, req) => {
		const id = upgradeIds.get(req);
		if (id) headers.push(`${REQUEST_ID_HEADER}: ${id}`);
	});

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const requestId = requestIdOf(req);
		whileHandling(requestId, () => upgrade(req, socket, head, requestId));
	});

	function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, requestId: string): void {
		// Node hands the socket over without its error listener: a client resetting the connection
		// before the upgrade completes would otherwise be an uncaught 'error' event.
		socket.on('error', () => socket.destroy());
		const refuse = (status: number, text: string) => {
			deps.log.info({ requestId, status }, 'sync upgrade refused');
			refuseUpgrade(socket, status, text, requestId);
		};
		const url = parseRequestTarget(req.url);
		if (!url) return refuse(400, 'Bad Request');
		if (!url.pathname.startsWith(SYNC_PATH)) return refuse(404, 'Not Found');
		const origin = req.headers.origin;
		if (!origin || !deps.isAllowedOrigin(origin)) return refuse(403, 'Forbidden');
		const name = decodePathSegment(url.pathname.slice(SYNC_PATH.length));
		if (name === null) return refuse(400, 'Bad Request');
		// The URL is never logged: an embedded session's token may be in it.
		const log = deps.log.child({ requestId, document: name });
		upgradeIds.set(req, requestId);
		wss.handleUpgrade(req, socket, head, (ws) => {
			try {
				accept(ws, req, name, log);
			} catch (error) {
				// A bug, not the client's doing: that connection ends (1011), the server goes on.
				log.error({ err: error }, 'could not open a sync connection');
				ws.close(1011, 'internal error');
			}
		});
	}

	/** Whatever fails while a connection is set up closes that socket, never the process. */
	function accept(ws: WebSocket, req: IncomingMessage, name: string, log: Log): void {
		try {
			open(ws, req, name, log);
		} catch (error) {
			log.error({ err: error }, 'opening a document failed');
			closeSocket(ws, CLOSE.internalError);
		}
	}

	/**
	 * Checks the session, then opens the document, which may take a while for a large one that is
	 * not in memory (the registry loads it a slice at a time, serving everyone else meanwhile).
	 * What the client sends meanwhile waits, in order, for the connection to open.
	 */
	function open(ws: WebSocket, req: IncomingMessage, name: string, upgradeLog: Log): void {
		const principal = deps.authenticate(req);
		if (!principal) return refuse(ws, upgradeLog, CLOSE.unauthenticated);
		const { accountId, sessionId } = principal;
		if (principal.embedded && name !== projectDocument(principal.embedded.projectId))
			return refuse(ws, upgradeLog, CLOSE.forbidden, accountId);
		const sessionConnections = (bySession.get(sessionId)?.size ?? 0) + waiting.count(sessionId);
		if (sessionConnections >= settings.maxConnectionsPerSession) {
			metrics.limitRefused('maxConnectionsPerSession');
			return refuse(ws, upgradeLog, CLOSE.tooManyConnections, accountId);
		}
		answered.add(ws);
		ws.on('pong', () => answered.add(ws));
		const early = waiting.add(ws, sessionId);
		// What `admit` checks on the loaded document, asked of the indexes instead.
		const answerFromStore = (state: StoredState): boolean => {
			try {
				if (!(deps.mayReadStoredState?.(name, accountId, state.stamp) ?? false)) return false;
				if (!(deps.isSessionCurrent?.(sessionId) ?? true)) return false;
			} catch (error) {
				// The client is answered once the document is loaded, as if nobody had asked.
				upgradeLog.error({ err: error }, 'could not tell whether to answer from the store');
				return false;
			}
			// Refused here, the step 1 waits for the load, where the connection refuses (and counts) it.
			if (!stateRequestsOf(sessionId).take()) return false;
			sendState(ws, state.chunks);
			metrics.sentFromStore();
			return true;
		};
		registry
			.open(name, (state) => early.offerStoredState(state, answerFromStore))
			.then(
				(document) => {
					waiting.remove(ws, sessionId);
					try {
						admit(ws, principal, document, early, upgradeLog);
					} catch (error) {
						// A bug, not the client's doing: that connection ends (1011), the server goes on.
						upgradeLog.error({ err: error }, 'could not open a sync connection');
						closeSocket(ws, CLOSE.internalError);
					}
				},
				(error: unknown) => {
					waiting.remove(ws, sessionId);
					// Shutting down abandons the loads under way; their sockets were closed (1012) already.
					if (closing) return;
					upgradeLog.error({ err: error }, 'opening a document failed');
					closeSocket(ws, CLOSE.internalError);
				}
			);
	}

	/**
	 * Opens the connection of a socket whose document is there (or null: does not exist), checking
	 * what may have changed while it loaded, then hands it what the client sent meanwhile.
	 */
	function admit(
		ws: WebSocket,
		principal: Principal,
		document: LiveDocument | null,
		early: EarlyMessages,
		upgradeLog: Log
	): void {
		const { accountId, sessionId } = principal;
		const messages = early.stop();
		const turnAway = (reason: CloseReason) => {
			if (document) registry.release(document);
			refuse(ws, upgradeLog, reason, accountId);
		};
		if (early.gone) {
			if (document) registry.release(document);
			return;
		}
		if (early.overflowed) {
			metrics.limitRefused('messagesPerSecond');
			return turnAway(CLOSE.rateLimited);
		}
		if (!document) return turnAway(CLOSE.unknownDocument);
		// The session was checked at the upgrade; it may have ended while the document loaded.
		if (!(deps.isSessionCurrent?.(sessionId) ?? true)) return turnAway(CLOSE.unauthenticated);
		const access = readAccess(document.address, accountId, projectFactsOf(document));
		if (!access.ok) return turnAway(access.close);
		const log = upgradeLog.child({ accountId });
		log.debug({ answeredFromStore: early.answeredFromStore }, 'sync connection opened');
		const report = { log, metrics };
		const connection = new SyncConnection(
			ws,
			principal,
			document,
			settings,
			report,
			(closed) => {
				connections.delete(closed);
				const ofSession = bySession.get(sessionId);
				ofSession?.delete(closed);
				if (ofSession?.size === 0) bySession.delete(sessionId);
				registry.release(document);
			},
			stateRequestsOf(sessionId)
		);
		connections.add(connection);
		const ofSession = bySession.get(sessionId) ?? new Set<SyncConnection>();
		bySession.set(sessionId, ofSession.add(connection));
		connection.start(messages, early.answeredFromStore);
	}

	/** Sockets that answered the last ping. */
	const answered = new WeakSet<WebSocket>();
	const heartbeat = setInterval(() => {
		for (const client of wss.clients) {
			if (!answered.delete(client)) client.terminate();
			else client.ping();
		}
		for (const [sessionId, bucket] of stateRequestsBySession)
			if (bucket.full) stateRequestsBySession.delete(sessionId);
	}, settings.heartbeatMs);
	heartbeat.unref();

	function projectFactsOf(document: LiveDocument) {
		const address = document.address;
		if (address.kind === 'user') return null;
		return (
			(address.kind === 'project' ? document : registry.get(projectDocument(address.projectId)))
				?.index ?? null
		);
	}

	return {
		connections,
		get waitingForLoad() {
			return waiting.sockets().length;
		},
		recheckSessions() {
			let closed = 0;
			for (const [sessionId, ofSession] of [...bySession]) {
				if (deps.isSessionCurrent?.(sessionId) ?? true) continue;
				const ended = [...ofSession];
				for (const connection of ended) connection.close(CLOSE.unauthenticated);
				closed += ended.length;
			}
			return closed;
		},
		close() {
			closing = true;
			clearInterval(heartbeat);
			for (const connection of [...connections]) connection.close(CLOSE.serverRestart);
			for (const socket of waiting.sockets()) closeSocket(socket, CLOSE.serverRestart);
			wss.close();
		}
	};
}

function refuse(ws: WebSocket, log: Log, reason: CloseReason, accountId?: string): void {
	log.info({ accountId, code: reason.code, reason: reason.reason }, 'sync connection refused');
	closeSocket(ws, reason);
}

function closeSocket(ws: WebSocket, reason: CloseReason): void {
	ws.close(reason.code, reason.reason);
}

function refuseUpgrade(socket: Duplex, status: number, text: string, requestId: string): void {
	socket.end(
		`HTTP/1.1 ${status} ${text}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
	);
}

/**
 * Closes the connections of people whose read access a membership change took away, in the step
 * that accepts the change. The first extension of every server: nothing that fails after it can
 * leave a removed member connected.
 */
export function revokeLostAccess(registry: DocumentRegistry): DocumentExtension {
	return {
		name: 'revoke lost access',
		onAccepted(document, _author, changes: readonly EntryChange[]) {
			if (document.address.kind !== 'project' || !document.index) return;
			const affected = new Set(
				changes.filter((change) => change.root === 'members').map((change) => change.key)
			);
			if (affected.size === 0) return;
			for (const live of registry.documentsOfProject(document.address.projectId)) {
				for (const peer of [...live.peers]) {
					if (
						affected.has(peer.accountId) &&
						!readAccess(live.address, peer.accountId, document.index).ok
					) {
						peer.close(CLOSE.accessRevoked);
					}
				}
			}
		}
	};
}
