/**
 * An account's memberships in a consortium's projects, each with its home zone and that zone's
 * kind, from the membership index (SQL): what the shared rules of who may look into whose access
 * (`isNetworkZoneAdmin`, `accessReach` in src/lib/shared/access.ts) read.
 */
import type { ZoneMembership } from '../../src/lib/shared';
import type { Db } from '../db/database';

export function zoneMembershipsOf(
	db: Db,
	consortiumId: string,
	accountId: string
): ZoneMembership[] {
	return db
		.prepare(
			`SELECT m.role, m.zone_id AS zoneId, z.kind AS zoneKind
			 FROM memberships m
			 JOIN projects p ON p.id = m.project_id
			 JOIN zones z ON z.id = m.zone_id AND z.consortium_id = p.consortium_id
			 WHERE p.consortium_id = ? AND m.account_id = ?`
		)
		.all(consortiumId, accountId) as ZoneMembership[];
}
