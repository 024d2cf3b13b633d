/**
 * Who acts for the consortium (src/lib/shared/consortium-office.ts): the account's memberships
 * across the consortium's projects, with the kind of each home zone, read from SQL (the
 * membership index and the zones), and the shared rule's answer. The roster, the consortium's
 * governance log and offboarding ask it the same way.
 */
import {
	checkNetworkZoneAdmin,
	fail,
	succeed,
	type Consortium,
	type Outcome,
	type ZoneMembership
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import { findConsortium } from './store';

export function zoneMembershipsOf(
	db: Db,
	consortiumId: string,
	accountId: string
): ZoneMembership[] {
	return db
		.prepare(
			`SELECT m.role, z.kind AS zoneKind FROM memberships m
			 JOIN projects p ON p.id = m.project_id
			 JOIN zones z ON z.id = m.zone_id AND z.consortium_id = p.consortium_id
			 WHERE p.consortium_id = ? AND m.account_id = ?`
		)
		.all(consortiumId, accountId) as ZoneMembership[];
}

/**
 * The consortium, when the account is one of its Network Zone's Project Admins; `act` ends the
 * refusal "Only the Network Zone's Project Admins can …".
 */
export function checkConsortiumOffice(
	db: Db,
	consortiumId: string,
	accountId: string,
	act: string
): Outcome<{ consortium: Consortium }, 'consortium-not-found' | 'not-network-zone-admin'> {
	const consortium = findConsortium(db, consortiumId);
	if (!consortium) return fail('consortium-not-found', 'There is no such consortium.');
	const office = checkNetworkZoneAdmin(zoneMembershipsOf(db, consortiumId, accountId), act);
	return office.ok ? succeed({ consortium }) : office;
}
