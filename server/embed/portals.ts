/**
 * Portals: other sites of a consortium allowed to embed the Project Users panel. A portal has
 * origins (who may frame the panel and talk to it), the projects it serves (the only ones it gets
 * tickets for and may frame) and one API key, for its server to ask for tickets. The key is `ccsk_<portal id>_<secret>`: the database keeps the SHA-256 of the secret
 * only, looks the portal up by its (public) id and compares hashes in constant time, as sessions
 * do. The key is returned once, at registration; revoking a portal ends its key, its unused
 * tickets, the grants people gave it and the embedded sessions it vouched for, at once.
 */
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { Portal, RegisterPortalRequest } from '../../src/lib/shared';
import { generateSecureRandomString, hashSecret } from '../auth/random';
import { invalidatePortalSessions } from '../auth/sessions';
import type { AuthDb } from '../auth/settings';
import type { Db } from '../db/database';
import { removePortalGrants } from './grants';

export interface PortalRecord {
	id: string;
	consortiumId: string;
	name: string;
	origins: string[];
	/** The projects it serves, all of its consortium; fixed at registration. */
	projectIds: string[];
	/** An account id; null when the consortium office registered it (`npm run admin`). */
	createdBy: string | null;
	createdAt: number;
	revokedAt: number | null;
	revokedBy: string | null;
}

interface PortalRow {
	id: string;
	consortium_id: string;
	name: string;
	origins: string;
	key_hash: Uint8Array;
	created_by: string | null;
	created_at: number;
	revoked_at: number | null;
	revoked_by: string | null;
}

const KEY_PATTERN = /^ccsk_([a-z2-7]{16})_([a-z2-7]{32})$/;

/**
 * Registers a portal of the consortium for the projects of `input.projectIds`; the only time its
 * API key exists in clear. Callers decide who may list which project (`canRegisterPortal`, or the
 * office's command line); a project of another consortium is a bug, and throws.
 */
export function registerPortal(
	auth: AuthDb,
	consortiumId: string,
	input: RegisterPortalRequest,
	createdBy: string | null
): { portal: PortalRecord; apiKey: string } {
	const { db } = auth;
	const id = generateSecureRandomString(10);
	const secret = generateSecureRandomString();
	const portal: PortalRecord = {
		id,
		consortiumId,
		name: input.name,
		origins: input.origins,
		projectIds: [...input.projectIds].sort(),
		createdBy,
		createdAt: auth.settings.now(),
		revokedAt: null,
		revokedBy: null
	};
	db.transaction(() => {
		db.prepare(
			`INSERT INTO embed_portals (id, consortium_id, name, origins, key_hash, created_by, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?)`
		).run(
			id,
			consortiumId,
			portal.name,
			JSON.stringify(portal.origins),
			hashSecret(secret),
			createdBy,
			portal.createdAt
		);
		const serve = db.prepare(
			`INSERT INTO embed_portal_projects (portal_id, project_id)
			 SELECT ?, id FROM projects WHERE id = ? AND consortium_id = ?`
		);
		for (const projectId of portal.projectIds) {
			if (serve.run(id, projectId, consortiumId).changes !== 1)
				throw new Error(`Project ${projectId} is not a project of consortium ${consortiumId}`);
		}
	})();
	return { portal, apiKey: `ccsk_${id}_${secret}` };
}

/**
 * Revokes the portal: its key stops working; its unused tickets, the grants people gave it and its
 * embedded sessions end.
 * False when there is no such portal or it was revoked already. Open sync connections of those
 * sessions are closed by the server's next check (`recheckConnectionsEveryMs`), or at once when the
 * server itself revoked the portal.
 */
export function revokePortal(auth: AuthDb, portalId: string, revokedBy: string | null): boolean {
	const { db } = auth;
	return db.transaction(() => {
		const changed = db
			.prepare(
				'UPDATE embed_portals SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL'
			)
			.run(auth.settings.now(), revokedBy, portalId).changes;
		if (changed === 0) return false;
		db.prepare('DELETE FROM embed_tickets WHERE portal_id = ? AND consumed_at IS NULL').run(
			portalId
		);
		removePortalGrants(db, portalId);
		invalidatePortalSessions(db, portalId);
		return true;
	})();
}

export function findPortal(db: Db, portalId: string): PortalRecord | null {
	const row = db.prepare('SELECT * FROM embed_portals WHERE id = ?').get(portalId) as
		PortalRow | undefined;
	return row ? toPortal(db, row) : null;
}

/** The portal, unless it is unknown or revoked. */
export function findActivePortal(db: Db, portalId: string): PortalRecord | null {
	const portal = findPortal(db, portalId);
	return portal && portal.revokedAt === null ? portal : null;
}

/** A consortium's portals (or every portal), newest first, revoked ones included. */
export function listPortals(db: Db, consortiumId?: string): PortalRecord[] {
	const rows = (
		consortiumId === undefined
			? db.prepare('SELECT * FROM embed_portals ORDER BY created_at DESC, id').all()
			: db
					.prepare(
						'SELECT * FROM embed_portals WHERE consortium_id = ? ORDER BY created_at DESC, id'
					)
					.all(consortiumId)
	) as PortalRow[];
	return rows.map((row) => toPortal(db, row));
}

/** The active portal whose API key this is; null for anything else, revoked keys included. */
export function authenticateApiKey(db: Db, apiKey: string): PortalRecord | null {
	const match = KEY_PATTERN.exec(apiKey);
	if (!match) return null;
	const [, id, secret] = match as unknown as [string, string, string];
	const row = db
		.prepare('SELECT * FROM embed_portals WHERE id = ? AND revoked_at IS NULL')
		.get(id) as PortalRow | undefined;
	if (!row || !constantTimeEqual(hashSecret(secret), row.key_hash)) return null;
	return toPortal(db, row);
}

/**
 * The portal as the API shows it, with the name of whoever registered it, and by name only the
 * projects it serves that the viewer is a member of (`viewerProjects`: id → name).
 */
export function describePortal(
	db: Db,
	portal: PortalRecord,
	officeName: string,
	viewerProjects: ReadonlyMap<string, string>
): Portal {
	const nameOf = (accountId: string | null) => {
		if (accountId === null) return officeName;
		const name = db.prepare('SELECT name FROM accounts WHERE id = ?').pluck().get(accountId) as
			string | undefined;
		return name ?? 'A former member';
	};
	const named = portal.projectIds.filter((id) => viewerProjects.has(id));
	return {
		id: portal.id,
		consortiumId: portal.consortiumId,
		name: portal.name,
		origins: portal.origins,
		projects: named.map((id) => ({ id, name: viewerProjects.get(id)! })),
		otherProjects: portal.projectIds.length - named.length,
		createdAt: portal.createdAt,
		createdByName: nameOf(portal.createdBy),
		revokedAt: portal.revokedAt,
		revokedByName: portal.revokedAt === null ? null : nameOf(portal.revokedBy)
	};
}

function toPortal(db: Db, row: PortalRow): PortalRecord {
	return {
		id: row.id,
		consortiumId: row.consortium_id,
		name: row.name,
		origins: JSON.parse(row.origins) as string[],
		projectIds: db
			.prepare(
				'SELECT project_id FROM embed_portal_projects WHERE portal_id = ? ORDER BY project_id'
			)
			.pluck()
			.all(row.id) as string[],
		createdBy: row.created_by,
		createdAt: row.created_at,
		revokedAt: row.revoked_at,
		revokedBy: row.revoked_by
	};
}
