/**
 * Each zone's SCIM token, as sessions keep theirs (server/auth/sessions.ts): the token is
 * `scim_<id>.<secret>`, 160 random bits each; only the id and the SHA-256 of the secret are kept,
 * the row is found by id and the hashes compared in constant time, so neither a copy of the
 * database nor the timing of an answer gives a usable token. A zone has one token at most:
 * issuing another rewrites the row, and the old token stops working with that statement; revoking
 * deletes it. The token names its zone: the SCIM service takes the zone from it.
 */
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { generateSecureRandomString, hashSecret } from '../auth/random';
import type { Db } from '../db/database';

const TOKEN = /^scim_([a-z2-7]{32})\.([a-z2-7]{32})$/;

/**
 * Use of a token is recorded at most this often (the panel's "last used"), to spare a write on
 * every request of a provider's sync run.
 */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface ScimTokenRow {
	zoneId: string;
	issuedAt: number;
	issuedBy: string | null;
	lastUsedAt: number | null;
}

/** Issues the zone's token, replacing any it had; the token is returned this once. */
export function issueScimToken(
	db: Db,
	zoneId: string,
	issuedBy: string | null,
	now: number
): { token: string; replaced: boolean } {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	return db.transaction(() => {
		const replaced = findScimToken(db, zoneId) !== null;
		db.prepare(
			`INSERT INTO scim_tokens (zone_id, token_id, secret_hash, issued_at, issued_by, last_used_at)
			 VALUES (?, ?, ?, ?, ?, NULL)
			 ON CONFLICT (zone_id) DO UPDATE SET token_id = excluded.token_id,
			   secret_hash = excluded.secret_hash, issued_at = excluded.issued_at,
			   issued_by = excluded.issued_by, last_used_at = NULL`
		).run(zoneId, id, hashSecret(secret), now, issuedBy);
		return { token: `scim_${id}.${secret}`, replaced };
	})();
}

/** Revokes the zone's token; false when it had none. */
export function revokeScimToken(db: Db, zoneId: string): boolean {
	return db.prepare('DELETE FROM scim_tokens WHERE zone_id = ?').run(zoneId).changes === 1;
}

export function findScimToken(db: Db, zoneId: string): ScimTokenRow | null {
	const row = db
		.prepare(
			`SELECT zone_id AS zoneId, issued_at AS issuedAt, issued_by AS issuedBy,
			 last_used_at AS lastUsedAt FROM scim_tokens WHERE zone_id = ?`
		)
		.get(zoneId) as ScimTokenRow | undefined;
	return row ?? null;
}

/** The zone whose current token this is; null for anything else (malformed, replaced, revoked). */
export function zoneOfScimToken(db: Db, token: string, now: number): string | null {
	const match = TOKEN.exec(token);
	if (!match) return null;
	const [, id, secret] = match as unknown as [string, string, string];
	const row = db
		.prepare('SELECT zone_id, secret_hash, last_used_at FROM scim_tokens WHERE token_id = ?')
		.get(id) as
		{ zone_id: string; secret_hash: Uint8Array; last_used_at: number | null } | undefined;
	if (!row || !constantTimeEqual(hashSecret(secret), row.secret_hash)) return null;
	if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_WRITE_INTERVAL_MS)
		db.prepare('UPDATE scim_tokens SET last_used_at = ? WHERE token_id = ?').run(now, id);
	return row.zone_id;
}
