/**
 * The consortium office: who acts for the whole consortium rather than for one project (its
 * roster, its governance log, offboarding a member library, revoking any of its portals). It is
 * the Network Zone's Project Admins: an account that is a Project Admin, with the Network Zone as
 * its home zone, of any project of the consortium. The server reads the account's memberships
 * (SQL `memberships` and `zones`, or the project documents); this rule decides.
 */
import { fail, OK, type Outcome } from './outcome';
import type { Role } from './roles';
import type { ZoneKind } from './consortium';

/** One membership of the account in a project of the consortium, with its home zone's kind. */
export interface ZoneMembership {
	role: Role;
	zoneKind: ZoneKind;
}

export function isNetworkZoneAdmin(memberships: Iterable<ZoneMembership>): boolean {
	for (const membership of memberships)
		if (membership.role === 'admin' && membership.zoneKind === 'network') return true;
	return false;
}

/** Allowed for the consortium office; `act` ends "Only the Network Zone's Project Admins can …". */
export function checkNetworkZoneAdmin(
	memberships: Iterable<ZoneMembership>,
	act: string
): Outcome<object, 'not-network-zone-admin'> {
	return isNetworkZoneAdmin(memberships)
		? OK
		: fail('not-network-zone-admin', `Only the Network Zone's Project Admins can ${act}.`);
}
