/**
 * One-time tokens for emailed links (sign-in, password reset, email change, invite). A token is
 * 160 random bits; only its SHA-256 is stored, so the database never holds a usable link. It is
 * bound to a purpose and an email, optionally to a subject (an invite id, an account id) so that a
 * newer link can revoke the older ones, and it carries optional JSON data. Consuming is one
 * conditional UPDATE: of two requests racing with the same link, exactly one wins.
 *
 * Lookup is by hash: with 160 bits of entropy, what the timing of an index lookup could reveal
 * about a hash gives no help in guessing a token.
 *
 * A token made useless by a newer one (`superseded`) or by withdrawing what it was for
 * (`withdrawn`) is retired rather than deleted, so that whoever opens the old link learns why it no
 * longer works. Only the holder of the link can learn it: rows are found by the token's hash.
 */
import { fail, type Failure, type Outcome } from '../../src/lib/shared/outcome';
import { one, run, sql, type Work } from '../db/work';
import { normalizeEmail } from './accounts';
import { generateSecureRandomString, hashSecret } from './random';
import type { AuthSettings, TokenPurpose } from './settings';

export interface TokenRequest {
	purpose: TokenPurpose;
	/** The address the link is sent to; consuming the token proves control of it. */
	email: string;
	/** What the token is about (an invite id, an account id), for `revokeTokens`. */
	subject?: string | null;
	/** JSON-serializable details the consumer needs (the new address of an email change, ...). */
	data?: unknown;
	/** Overrides the configured lifetime for this purpose. */
	lifetimeMs?: number;
}

export const RETIREMENT_REASONS = ['superseded', 'withdrawn'] as const;
export type RetirementReason = (typeof RETIREMENT_REASONS)[number];

export type TokenFailureCode =
	'token-invalid' | 'token-expired' | 'token-used' | `token-${RetirementReason}`;

export type TokenCheck = Outcome<
	{ email: string; subject: string | null; data: unknown; expiresAt: number },
	TokenFailureCode,
	/** What a retired token was about, so that its consumer can say what became of it. */
	{ retired?: { subject: string | null; data: unknown } }
>;

const TOKEN_MESSAGES: Record<TokenFailureCode, string> = {
	'token-invalid':
		'This link is not valid. It may have been replaced by a newer one: use the latest email, or ask for a new link.',
	'token-expired': 'This link has expired. Ask for a new one.',
	'token-used': 'This link has already been used. Ask for a new one if you need it.',
	'token-superseded': 'A newer link replaced this one: use the link in the newest email.',
	'token-withdrawn': 'This link was withdrawn.'
};

/** Why a link cannot be used, as a person reads it. */
export function tokenFailure(code: TokenFailureCode): Failure<TokenFailureCode> {
	return fail(code, TOKEN_MESSAGES[code]);
}

interface TokenRow extends Record<string, unknown> {
	email: string;
	subject: string | null;
	data: string | null;
	expires_at: number;
	consumed_at: number | null;
	retired_because: RetirementReason | null;
}

/**
 * A unit of work (server/db/work.ts): the sync server issues invite tokens inside its synchronous
 * step, where SQLite runs it at once.
 */
export function* issueToken(
	settings: AuthSettings,
	request: TokenRequest
): Work<{ token: string; expiresAt: number }> {
	const now = settings.now();
	const expiresAt = now + (request.lifetimeMs ?? settings.tokenLifetimesMs[request.purpose]);
	const token = generateSecureRandomString();
	const data = request.data === undefined ? null : JSON.stringify(request.data);
	yield* run(
		sql`INSERT INTO tokens (token_hash, purpose, email, subject, data, created_at, expires_at)
		    VALUES (${hashSecret(token)}, ${request.purpose}, ${normalizeEmail(request.email)},
		            ${request.subject ?? null}, ${data}, ${now}, ${expiresAt})`
	);
	return { token, expiresAt };
}

/**
 * Uses the token up: it succeeds once, and only before it expires. One conditional UPDATE, so of
 * any number of requests racing with the same link, on any number of processes, one wins.
 */
export function* consumeToken(
	settings: AuthSettings,
	token: string,
	purpose: TokenPurpose
): Work<TokenCheck> {
	const now = settings.now();
	const hash = hashSecret(token);
	const consumed = yield* run(
		sql`UPDATE tokens SET consumed_at = ${now}
		    WHERE token_hash = ${hash} AND purpose = ${purpose} AND consumed_at IS NULL
		      AND retired_because IS NULL AND expires_at > ${now}`
	);
	const row = yield* findToken(hash, purpose);
	if (consumed.changes === 1 && row) return success(row);
	return failure(row, now);
}

/** Says what consuming would say, without using the token (to show an invite before accepting). */
export function* peekToken(
	settings: AuthSettings,
	token: string,
	purpose: TokenPurpose
): Work<TokenCheck> {
	const now = settings.now();
	const row = yield* findToken(hashSecret(token), purpose);
	if (row && row.consumed_at === null && row.retired_because === null && row.expires_at > now)
		return success(row);
	return failure(row, now);
}

/**
 * Makes every unused token of this purpose and subject fail with the reason given, from now until
 * it is deleted with the stale ones; returns how many there were.
 */
export function* retireTokens(
	purpose: TokenPurpose,
	subject: string,
	because: RetirementReason
): Work<number> {
	const { changes } = yield* run(
		sql`UPDATE tokens SET retired_because = ${because}
		    WHERE purpose = ${purpose} AND subject = ${subject} AND consumed_at IS NULL`
	);
	return changes;
}

/** Makes every unused token of this purpose and subject invalid; returns how many there were. */
export function* revokeTokens(purpose: TokenPurpose, subject: string): Work<number> {
	const { changes } = yield* run(
		sql`DELETE FROM tokens WHERE purpose = ${purpose} AND subject = ${subject} AND consumed_at IS NULL`
	);
	return changes;
}

/**
 * Makes every unused link that would sign the account in or change it invalid: sign-in links to
 * its address, its password-reset and email-change links (the person's access was ended). Invite
 * links go with their invitations. Returns how many there were.
 */
export function* revokeAccountLinks(account: { id: string; email: string }): Work<number> {
	const { changes } = yield* run(
		sql`DELETE FROM tokens WHERE consumed_at IS NULL AND (
		      (purpose = 'sign-in' AND email = ${normalizeEmail(account.email)})
		      OR (purpose IN ('password-reset', 'email-change') AND subject = ${account.id}))`
	);
	return changes;
}

/**
 * Forgets tokens that expired more than `graceMs` ago. Until then an old link still earns the
 * precise "expired" or "used" message instead of "invalid".
 */
export function* deleteStaleTokens(settings: AuthSettings, graceMs: number): Work<number> {
	const { changes } = yield* run(
		sql`DELETE FROM tokens WHERE expires_at < ${settings.now() - graceMs}`
	);
	return changes;
}

function* findToken(hash: Uint8Array, purpose: TokenPurpose): Work<TokenRow | undefined> {
	return yield* one<TokenRow>(
		sql`SELECT email, subject, data, expires_at, consumed_at, retired_because
		    FROM tokens WHERE token_hash = ${hash} AND purpose = ${purpose}`
	);
}

function success(row: TokenRow): TokenCheck {
	return {
		ok: true,
		email: row.email,
		subject: row.subject,
		data: dataOf(row),
		expiresAt: row.expires_at
	};
}

function dataOf(row: TokenRow): unknown {
	return row.data === null ? null : (JSON.parse(row.data) as unknown);
}

/** Why the token cannot be used; a retired one says so even once it has expired. */
function failure(row: TokenRow | undefined, now: number): TokenCheck {
	if (!row) return tokenFailure('token-invalid');
	if (row.consumed_at !== null) return tokenFailure('token-used');
	if (row.retired_because !== null) {
		const code = `token-${row.retired_because}` as const;
		return fail(code, TOKEN_MESSAGES[code], {
			retired: { subject: row.subject, data: dataOf(row) }
		});
	}
	return tokenFailure(row.expires_at <= now ? 'token-expired' : 'token-invalid');
}
