/**
 * Grants: a person's consent that a portal may act for them (docs/embedding.md, "Consent"). A
 * portal's key lets it name anyone, so the console issues a ticket only for a person who allowed
 * that portal, for the projects they allowed it in, in a first-party console window. The person
 * sees their grants in Personal Settings and removes them there, which ends the portal's sessions
 * of theirs at once; revoking the portal deletes all of its grants.
 */
import { invalidatePortalSessions } from '../auth/sessions';
import type { AuthDb } from '../auth/settings';
import type { Db } from '../db/database';

export interface GrantRecord {
	accountId: string;
	portalId: string;
	/** The projects the person allowed the portal to act in, sorted. */
	projectIds: string[];
	createdAt: number;
	lastUsedAt: number | null;
}

interface GrantRow {
	account_id: string;
	portal_id: string;
	project_ids: string;
	created_at: number;
	last_used_at: number | null;
}

/**
 * Records that the person allows the portal to act for them in `projectIds`; a grant they gave
 * before keeps its date and gains the projects. The caller has checked that the portal is active,
 * serves these projects and that the person is a member of each.
 */
export function allowPortal(
	auth: AuthDb,
	accountId: string,
	portalId: string,
	projectIds: readonly string[]
): GrantRecord {
	const { db } = auth;
	return db.transaction(() => {
		const before = findGrant(db, accountId, portalId);
		const union = [...new Set([...(before?.projectIds ?? []), ...projectIds])].sort();
		const createdAt = before?.createdAt ?? auth.settings.now();
		db.prepare(
			`INSERT INTO embed_grants (account_id, portal_id, project_ids, created_at)
			 VALUES (?, ?, ?, ?)
			 ON CONFLICT (account_id, portal_id) DO UPDATE SET project_ids = excluded.project_ids`
		).run(accountId, portalId, JSON.stringify(union), createdAt);
		return {
			accountId,
			portalId,
			projectIds: union,
			createdAt,
			lastUsedAt: before?.lastUsedAt ?? null
		};
	})();
}

export function findGrant(db: Db, accountId: string, portalId: string): GrantRecord | null {
	const row = db
		.prepare('SELECT * FROM embed_grants WHERE account_id = ? AND portal_id = ?')
		.get(accountId, portalId) as GrantRow | undefined;
	return row ? toGrant(row) : null;
}

/** Whether the person allowed the portal to act for them in this project. */
export function hasGrantFor(db: Db, accountId: string, portalId: string, projectId: string) {
	return findGrant(db, accountId, portalId)?.projectIds.includes(projectId) ?? false;
}

/** The person's grants, most recently given first. */
export function listGrants(db: Db, accountId: string): GrantRecord[] {
	const rows = db
		.prepare('SELECT * FROM embed_grants WHERE account_id = ? ORDER BY created_at DESC, portal_id')
		.all(accountId) as GrantRow[];
	return rows.map(toGrant);
}

/**
 * Takes the consent back: the grant goes, and with it the tickets the portal got for the person
 * and not used yet and the person's sessions from the portal. False when there was no grant. The
 * caller closes those sessions' open connections (the server's `onSessionsEnded`).
 */
export function removeGrant(db: Db, accountId: string, portalId: string): boolean {
	return db.transaction(() => {
		const removed = db
			.prepare('DELETE FROM embed_grants WHERE account_id = ? AND portal_id = ?')
			.run(accountId, portalId).changes;
		if (removed === 0) return false;
		db.prepare(
			'DELETE FROM embed_tickets WHERE portal_id = ? AND account_id = ? AND consumed_at IS NULL'
		).run(portalId, accountId);
		invalidatePortalSessions(db, portalId, accountId);
		return true;
	})();
}

/** Every grant of the portal goes (the portal was revoked). */
export function removePortalGrants(db: Db, portalId: string): number {
	return db.prepare('DELETE FROM embed_grants WHERE portal_id = ?').run(portalId).changes;
}

/** The portal signed the person in (an embedded session began): Personal Settings shows when. */
export function markGrantUsed(auth: AuthDb, accountId: string, portalId: string): void {
	const { db } = auth;
	db.prepare('UPDATE embed_grants SET last_used_at = ? WHERE account_id = ? AND portal_id = ?').run(
		auth.settings.now(),
		accountId,
		portalId
	);
}

function toGrant(row: GrantRow): GrantRecord {
	return {
		accountId: row.account_id,
		portalId: row.portal_id,
		projectIds: JSON.parse(row.project_ids) as string[],
		createdAt: row.created_at,
		lastUsedAt: row.last_used_at
	};
}
