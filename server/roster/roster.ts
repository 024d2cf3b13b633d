/**
 * The consortium roster (docs/api.md): for the Network Zone's Project Admins, every person of the
 * consortium with their memberships across its projects (project, role, zone) and the zones they
 * belong to. Membership facts only, read from SQL: no project document is opened, so nothing of an
 * Institution Zone's data can appear in it.
 *
 * A Network Zone Project Admin is an account that is a Project Admin, with the Network Zone as its
 * home zone, of any project of the consortium (`isNetworkZoneAdmin`, src/lib/shared/access.ts).
 */
import {
	fail,
	isNetworkZoneAdmin,
	succeed,
	type Outcome,
	type Roster,
	type RosterPerson,
	type Role,
	type ZoneKind
} from '../../src/lib/shared';
import { findConsortium } from '../consortium/store';
import { zoneMembershipsOf } from '../consortium/zone-memberships';
import type { Db } from '../db/database';
import { provisioningStatesIn } from '../scim/users';

interface MembershipRow {
	accountId: string;
	name: string;
	email: string;
	projectId: string;
	projectName: string;
	role: Role;
	zoneId: string;
}

export function rosterFor(
	db: Db,
	consortiumId: string,
	accountId: string
): Outcome<{ roster: Roster }, 'consortium-not-found' | 'not-network-zone-admin'> {
	const consortium = findConsortium(db, consortiumId);
	if (!consortium) return fail('consortium-not-found', 'There is no such consortium.');
	if (!isNetworkZoneAdmin(zoneMembershipsOf(db, consortiumId, accountId))) {
		return fail(
			'not-network-zone-admin',
			"Only the Network Zone's Project Admins can see the consortium's roster."
		);
	}
	const zones = new Map(consortium.zones.map((zone) => [zone.id, zone]));
	const people = new Map<string, RosterPerson>();
	const personOf = (row: { accountId: string; name: string; email: string }) => {
		let person = people.get(row.accountId);
		if (!person) {
			person = {
				accountId: row.accountId,
				name: row.name,
				email: row.email,
				zones: [],
				memberships: []
			};
			people.set(row.accountId, person);
		}
		return person;
	};
	const zoneRows = db
		.prepare(
			`SELECT a.id AS accountId, a.name, a.email, zp.zone_id AS zoneId
			 FROM zone_people zp JOIN zones z ON z.id = zp.zone_id JOIN accounts a ON a.id = zp.account_id
			 WHERE z.consortium_id = ? ORDER BY z.kind DESC, z.name`
		)
		.all(consortiumId) as Array<{ accountId: string; name: string; email: string; zoneId: string }>;
	const provisioning = provisioningStatesIn(db, consortiumId);
	for (const row of zoneRows) {
		const zone = zones.get(row.zoneId)!;
		personOf(row).zones.push({
			id: zone.id,
			name: zone.name,
			kind: zone.kind as ZoneKind,
			provisioning: provisioning.get(`${zone.id}:${row.accountId}`) ?? null
		});
	}
	const membershipRows = db
		.prepare(
			`SELECT a.id AS accountId, a.name, a.email, p.id AS projectId, p.name AS projectName,
			 m.role, m.zone_id AS zoneId
			 FROM memberships m JOIN projects p ON p.id = m.project_id JOIN accounts a ON a.id = m.account_id
			 WHERE p.consortium_id = ? ORDER BY p.name, p.id`
		)
		.all(consortiumId) as MembershipRow[];
	for (const row of membershipRows) {
		personOf(row).memberships.push({
			projectId: row.projectId,
			projectName: row.projectName,
			role: row.role,
			zoneId: row.zoneId,
			zoneName: zones.get(row.zoneId)?.name ?? ''
		});
	}
	const sorted = [...people.values()].sort(
		(a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email)
	);
	return succeed({
		roster: {
			consortium: { id: consortium.id, name: consortium.name, mode: consortium.mode },
			people: sorted
		}
	});
}
