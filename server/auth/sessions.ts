/**
 * Sessions as in Lucia's session guide: a token `<id>.<secret>` goes to the client; the server
 * keeps the id and the SHA-256 of the secret, and compares hashes in constant time, so neither a
 * database leak nor response timing gives a usable token. A session ends after a period without
 * use (sliding, extended at most once per `activityWriteIntervalMs`) and in any case at its
 * absolute lifetime (OWASP ASVS 3.3).
 */
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { Db } from '../db/database';
import { findAccountById, type Account } from './accounts';
import { generateSecureRandomString, hashSecret } from './random';
import type { AuthDb } from './settings';

export {
	clearedSessionCookie,
	readSessionToken,
	sessionCookie,
	sessionCookieName
} from './session-cookie';

export interface Session {
	id: string;
	accountId: string;
	createdAt: number;
	lastSeenAt: number;
	/** When the session ends unless used again: the idle deadline, never past the absolute one. */
	expiresAt: number;
	absoluteExpiresAt: number;
	ip: string;
	userAgent: string;
	/** Set for a session of the embedded widget: the portal that vouched, the project it opens. */
	embedded: EmbeddedScope | null;
}

export interface EmbeddedScope {
	portalId: string;
	projectId: string;
}

/** Where a session was opened from, shown in the account's session list. */
export interface ClientMeta {
	ip: string;
	userAgent: string;
}

export type SessionValidationResult =
	{ session: Session; account: Account } | { session: null; account: null };

interface SessionRow {
	id: string;
	account_id: string;
	secret_hash: Uint8Array;
	created_at: number;
	last_seen_at: number;
	expires_at: number;
	absolute_expires_at: number;
	ip: string;
	user_agent: string;
	embedded_portal_id: string | null;
	embedded_project_id: string | null;
}

export interface SessionOptions {
	/** A fixed lifetime instead of the policy's (embedded sessions: minutes, not days). */
	lifetimeMs?: number;
	embedded?: EmbeddedScope;
}

/** Generous for a browser's user agent, small enough that nobody stores an essay per session. */
const USER_AGENT_LIMIT = 512;
const TOKEN_LIMIT = 128;

export function createSession(
	auth: AuthDb,
	accountId: string,
	meta: ClientMeta,
	options: SessionOptions = {}
): { token: string; session: Session } {
	const { db } = auth;
	const { now: clock, sessions: policy } = auth.settings;
	const now = clock();
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	const absoluteExpiresAt =
		now + Math.min(options.lifetimeMs ?? policy.absoluteLifetimeMs, policy.absoluteLifetimeMs);
	const session: Session = {
		id,
		accountId,
		createdAt: now,
		lastSeenAt: now,
		expiresAt: Math.min(now + policy.idleTimeoutMs, absoluteExpiresAt),
		absoluteExpiresAt,
		ip: meta.ip,
		userAgent: meta.userAgent.slice(0, USER_AGENT_LIMIT),
		embedded: options.embedded ?? null
	};
	db.prepare(
		`INSERT INTO sessions (id, account_id, secret_hash, created_at, last_seen_at, expires_at,
		 absolute_expires_at, ip, user_agent, embedded_portal_id, embedded_project_id)
		 VALUES (@id, @accountId, @secretHash, @createdAt, @lastSeenAt, @expiresAt,
		 @absoluteExpiresAt, @ip, @userAgent, @portalId, @projectId)`
	).run({
		...session,
		secretHash: hashSecret(secret),
		portalId: session.embedded?.portalId ?? null,
		projectId: session.embedded?.projectId ?? null
	});
	return { token: `${id}.${secret}`, session };
}

/** The session and its account when the token is genuine and current; both null otherwise. */
export function validateSessionToken(auth: AuthDb, token: string): SessionValidationResult {
	const { db } = auth;
	const none = { session: null, account: null } as const;
	const parts = token.length <= TOKEN_LIMIT ? token.split('.') : [];
	if (parts.length !== 2) return none;
	const [id, secret] = parts as [string, string];
	const row = db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
	if (!row || !constantTimeEqual(hashSecret(secret), row.secret_hash)) return none;
	const { now: clock, sessions: policy } = auth.settings;
	const now = clock();
	if (now >= row.expires_at) {
		invalidateSession(db, id);
		return none;
	}
	const session = toSession(row);
	if (now - row.last_seen_at >= policy.activityWriteIntervalMs) {
		session.lastSeenAt = now;
		session.expiresAt = Math.min(now + policy.idleTimeoutMs, row.absolute_expires_at);
		db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?').run(
			now,
			session.expiresAt,
			id
		);
	}
	// Sessions go with their account (ON DELETE CASCADE), so the account is there.
	return { session, account: findAccountById(db, row.account_id)! };
}

/** Whether the session still exists and has not expired (for connections opened with it). */
export function isSessionCurrent(auth: AuthDb, sessionId: string): boolean {
	const { db } = auth;
	const expiresAt = db
		.prepare('SELECT expires_at FROM sessions WHERE id = ?')
		.pluck()
		.get(sessionId) as number | undefined;
	return expiresAt !== undefined && auth.settings.now() < expiresAt;
}

/**
 * Ends every embedded session a portal vouched for (the portal was revoked), or only those of one
 * account (the person removed their grant to the portal).
 */
export function invalidatePortalSessions(db: Db, portalId: string, accountId?: string): number {
	return db
		.prepare(
			'DELETE FROM sessions WHERE embedded_portal_id = ? AND account_id = coalesce(?, account_id)'
		)
		.run(portalId, accountId ?? null).changes;
}

export function invalidateSession(db: Db, sessionId: string): void {
	db.prepare('DELETE FROM sessions WHERE id = ?').run(sessionId);
}

/**
 * Ends every session of the account, except the one named (the caller's own, typically); returns
 * how many ended.
 */
export function invalidateAccountSessions(
	db: Db,
	accountId: string,
	exceptSessionId?: string
): number {
	return db
		.prepare('DELETE FROM sessions WHERE account_id = ? AND id IS NOT ?')
		.run(accountId, exceptSessionId ?? null).changes;
}

/** The account's current sessions, most recently used first. */
export function listAccountSessions(auth: AuthDb, accountId: string): Session[] {
	const { db } = auth;
	const rows = db
		.prepare(
			`SELECT * FROM sessions WHERE account_id = ? AND expires_at > ?
			 ORDER BY last_seen_at DESC, created_at DESC`
		)
		.all(accountId, auth.settings.now()) as SessionRow[];
	return rows.map(toSession);
}

/** Removes sessions past their deadline that nobody presented again (housekeeping). */
export function deleteExpiredSessions(auth: AuthDb): number {
	const { db } = auth;
	return db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(auth.settings.now()).changes;
}

function toSession(row: SessionRow): Session {
	return {
		id: row.id,
		accountId: row.account_id,
		createdAt: row.created_at,
		lastSeenAt: row.last_seen_at,
		expiresAt: row.expires_at,
		absoluteExpiresAt: row.absolute_expires_at,
		ip: row.ip,
		userAgent: row.user_agent,
		embedded:
			row.embedded_portal_id && row.embedded_project_id
				? { portalId: row.embedded_portal_id, projectId: row.embedded_project_id }
				: null
	};
}
