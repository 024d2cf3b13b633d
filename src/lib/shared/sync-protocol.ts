/**
 * What the sync server and its clients agree on beyond the y-websocket protocol: the close codes
 * (and what a client does on each), and the message the server sends an author about changes it
 * refused. The stock y-websocket provider stops reconnecting on codes 4400-4499 and retries on
 * every other code.
 */
import { z } from 'zod';
import { REASON_CODES } from './policy/decision';

export interface CloseReason {
	code: number;
	reason: string;
	/** The client must delete its local copy of the document (IndexedDB). */
	wipeLocalCopy: boolean;
	/** The client may connect again (after a reset, a new copy is fetched). */
	reconnect: boolean;
}

export const CLOSE = {
	/**
	 * The client's copy cannot be reconciled with the server's: an undecodable update, a clientID
	 * that belongs to another account, a root this document does not have, a nested type. The
	 * client deletes its local copy and connects again for a fresh one.
	 */
	resetRequired: { code: 4400, reason: 'Reset required', wipeLocalCopy: true, reconnect: true },
	/** No valid session came with the connection: sign in again. */
	unauthenticated: {
		code: 4401,
		reason: 'Unauthenticated',
		wipeLocalCopy: false,
		reconnect: false
	},
	/** The account may not read this document. Any local copy is stale and is deleted. */
	forbidden: { code: 4403, reason: 'Forbidden', wipeLocalCopy: true, reconnect: false },
	/** There is no such document (unknown name, or a project that does not exist). */
	unknownDocument: {
		code: 4404,
		reason: 'Unknown document',
		wipeLocalCopy: true,
		reconnect: false
	},
	/** A change removed the account's read access while connected (removed, moved to another view). */
	accessRevoked: { code: 4410, reason: 'Access revoked', wipeLocalCopy: true, reconnect: false },
	/** A message was larger than the server accepts; sending it again would fail again. */
	messageTooBig: { code: 4413, reason: 'Message too big', wipeLocalCopy: false, reconnect: false },
	/** Too many connections for one session. */
	tooManyConnections: {
		code: 4429,
		reason: 'Too many connections',
		wipeLocalCopy: false,
		reconnect: false
	},
	/** Too many messages per second: the client may connect again after a pause. */
	rateLimited: { code: 4529, reason: 'Too many messages', wipeLocalCopy: false, reconnect: true },
	/** The server failed on its side while opening or serving the document: try again later. */
	internalError: { code: 1011, reason: 'Internal error', wipeLocalCopy: false, reconnect: true },
	/** The server is shutting down or restarting (the standard "service restart" code). */
	serverRestart: { code: 1012, reason: 'Server restarting', wipeLocalCopy: false, reconnect: true }
} as const satisfies Record<string, CloseReason>;

export function closeReasonFor(code: number): CloseReason | undefined {
	return Object.values(CLOSE).find((close) => close.code === code);
}

/** A y-websocket message type of our own, beside sync (0), awareness (1), auth (2), query (3). */
export const MESSAGE_VERDICT = 100;

/** One refused change: which entry, and why. */
export const RejectionSchema = z.object({
	root: z.string(),
	key: z.string(),
	code: z.enum(REASON_CODES),
	message: z.string()
});
export type Rejection = z.infer<typeof RejectionSchema>;

/**
 * Sent to the author only, once the refused changes are reverted in the server's copy and before
 * the update carrying the revert is published: the author's client hears why an entry changes
 * back before it does.
 */
export const VerdictSchema = z.object({
	document: z.string(),
	rejected: z.array(RejectionSchema)
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** The presence a client publishes through awareness; the server vouches for `accountId` and `name`. */
export const PresenceSchema = z.object({
	user: z.object({
		accountId: z.string().max(64),
		name: z.string().max(120),
		color: z.string().regex(/^#[0-9a-f]{6}$/i)
	}),
	/** What the person is looking at, e.g. "users" or "invites". */
	page: z.string().max(60).optional()
});
export type Presence = z.infer<typeof PresenceSchema>;
