/**
 * The people each zone's identity provider provisioned (SQL `scim_users`): one row per zone and
 * account, holding the SCIM resource's id and what the provider said (names, external id,
 * active); the address is the account's. A deleted user keeps its row, marked, so that the person
 * stays unable to sign in; creating them again replaces it with a new resource.
 */
import type {
	ProvisioningState,
	ScimFilter,
	ScimUserRecord,
	ScimUserState
} from '../../src/lib/shared';
import type { Db } from '../db/database';

export interface ScimUserRow extends ScimUserRecord {
	zoneId: string;
	accountId: string;
	deletedAt: number | null;
}

interface Row {
	id: string;
	zone_id: string;
	account_id: string;
	email: string;
	external_id: string | null;
	given_name: string | null;
	family_name: string | null;
	formatted_name: string | null;
	display_name: string | null;
	active: number;
	created_at: number;
	updated_at: number;
	deleted_at: number | null;
}

const SELECT = `SELECT u.*, a.email FROM scim_users u JOIN accounts a ON a.id = u.account_id`;

/** The zone's user with this id; null when there is none, or it was deleted. */
export function findScimUser(db: Db, zoneId: string, id: string): ScimUserRow | null {
	const row = db
		.prepare(`${SELECT} WHERE u.zone_id = ? AND u.id = ? AND u.deleted_at IS NULL`)
		.get(zoneId, id) as Row | undefined;
	return row ? toRecord(row) : null;
}

/** The zone's row for the account, deleted or not. */
export function findScimUserOfAccount(
	db: Db,
	zoneId: string,
	accountId: string
): ScimUserRow | null {
	const row = db
		.prepare(`${SELECT} WHERE u.zone_id = ? AND u.account_id = ?`)
		.get(zoneId, accountId) as Row | undefined;
	return row ? toRecord(row) : null;
}

const FILTER_COLUMNS: Record<ScimFilter['attribute'], string> = {
	userName: 'a.email',
	externalId: 'u.external_id',
	id: 'u.id'
};

/** A page of the zone's users (deleted ones left out), oldest first, and how many there are. */
export function listScimUsers(
	db: Db,
	zoneId: string,
	filter: ScimFilter | null,
	page: { startIndex: number; count: number }
): { total: number; users: ScimUserRow[] } {
	const where = `u.zone_id = ? AND u.deleted_at IS NULL${filter ? ` AND ${FILTER_COLUMNS[filter.attribute]} = ?` : ''}`;
	const parameters = filter ? [zoneId, filter.value] : [zoneId];
	const total = db
		.prepare(
			`SELECT COUNT(*) FROM scim_users u JOIN accounts a ON a.id = u.account_id WHERE ${where}`
		)
		.pluck()
		.get(...parameters) as number;
	const rows = db
		.prepare(`${SELECT} WHERE ${where} ORDER BY u.created_at, u.id LIMIT ? OFFSET ?`)
		.all(...parameters, page.count, page.startIndex - 1) as Row[];
	return { total, users: rows.map(toRecord) };
}

/** A new user of the zone, replacing the row of one the provider deleted before. */
export function insertScimUser(
	db: Db,
	user: { id: string; zoneId: string; accountId: string; state: ScimUserState; now: number }
): void {
	db.transaction(() => {
		db.prepare(
			'DELETE FROM scim_users WHERE zone_id = ? AND account_id = ? AND deleted_at IS NOT NULL'
		).run(user.zoneId, user.accountId);
		db.prepare(
			`INSERT INTO scim_users (id, zone_id, account_id, external_id, given_name, family_name,
			 formatted_name, display_name, active, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		).run(user.id, user.zoneId, user.accountId, ...stateColumns(user.state), user.now, user.now);
	})();
}

export function updateScimUser(db: Db, id: string, state: ScimUserState, now: number): void {
	db.prepare(
		`UPDATE scim_users SET external_id = ?, given_name = ?, family_name = ?, formatted_name = ?,
		 display_name = ?, active = ?, updated_at = ? WHERE id = ?`
	).run(...stateColumns(state), now, id);
}

export function markScimUserDeleted(db: Db, id: string, now: number): void {
	db.prepare('UPDATE scim_users SET active = 0, deleted_at = ?, updated_at = ? WHERE id = ?').run(
		now,
		now,
		id
	);
}

/**
 * Why the account may not sign in: a zone's provider has it deactivated or deleted (the first such
 * zone by name); null when none has.
 */
export function signInHoldOf(
	db: Db,
	accountId: string
): { zoneName: string; state: Exclude<ProvisioningState, 'active'> } | null {
	const row = db
		.prepare(
			`SELECT z.name AS zoneName, u.deleted_at IS NOT NULL AS deleted
			 FROM scim_users u JOIN zones z ON z.id = u.zone_id
			 WHERE u.account_id = ? AND (u.active = 0 OR u.deleted_at IS NOT NULL)
			 ORDER BY z.name LIMIT 1`
		)
		.get(accountId) as { zoneName: string; deleted: number } | undefined;
	if (!row) return null;
	return { zoneName: row.zoneName, state: row.deleted ? 'deleted' : 'deactivated' };
}

/** The zone whose identity provider provisions the account (and so its address), by name. */
export function provisioningZoneOf(db: Db, accountId: string): string | null {
	const name = db
		.prepare(
			`SELECT z.name FROM scim_users u JOIN zones z ON z.id = u.zone_id
			 WHERE u.account_id = ? AND u.deleted_at IS NULL ORDER BY z.name LIMIT 1`
		)
		.pluck()
		.get(accountId) as string | undefined;
	return name ?? null;
}

/** Where each provisioned person of the consortium stands, by `<zone id>:<account id>`. */
export function provisioningStatesIn(db: Db, consortiumId: string): Map<string, ProvisioningState> {
	const rows = db
		.prepare(
			`SELECT u.zone_id, u.account_id, u.active, u.deleted_at FROM scim_users u
			 JOIN zones z ON z.id = u.zone_id WHERE z.consortium_id = ?`
		)
		.all(consortiumId) as Array<Pick<Row, 'zone_id' | 'account_id' | 'active' | 'deleted_at'>>;
	return new Map(
		rows.map((row) => [
			`${row.zone_id}:${row.account_id}`,
			row.deleted_at !== null ? 'deleted' : row.active ? 'active' : 'deactivated'
		])
	);
}

/** How many people each zone of the consortium has provisioned, active and deactivated. */
export function provisionedCounts(
	db: Db,
	consortiumId: string
): Map<string, { active: number; deactivated: number }> {
	const rows = db
		.prepare(
			`SELECT u.zone_id AS zoneId, SUM(u.active) AS active, SUM(1 - u.active) AS deactivated
			 FROM scim_users u JOIN zones z ON z.id = u.zone_id
			 WHERE z.consortium_id = ? AND u.deleted_at IS NULL GROUP BY u.zone_id`
		)
		.all(consortiumId) as Array<{ zoneId: string; active: number; deactivated: number }>;
	return new Map(rows.map(({ zoneId, ...counts }) => [zoneId, counts]));
}

function stateColumns(state: ScimUserState) {
	return [
		state.externalId,
		state.name.givenName,
		state.name.familyName,
		state.name.formatted,
		state.displayName,
		state.active ? 1 : 0
	] as const;
}

function toRecord(row: Row): ScimUserRow {
	return {
		id: row.id,
		zoneId: row.zone_id,
		accountId: row.account_id,
		state: {
			userName: row.email,
			externalId: row.external_id,
			name: {
				givenName: row.given_name,
				familyName: row.family_name,
				formatted: row.formatted_name
			},
			displayName: row.display_name,
			active: row.active === 1
		},
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		deletedAt: row.deleted_at
	};
}
