/**
 * Who acts for the consortium: its office, the Network Zone's Project Admins
 * (`isNetworkZoneAdmin`, src/lib/shared/access.ts), over the account's memberships from the
 * membership index (`zoneMembershipsOf`). The consortium's own log and offboarding ask it the same
 * way, each naming its act in the refusal.
 */
import {
	fail,
	isNetworkZoneAdmin,
	succeed,
	type Consortium,
	type Outcome
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import { findConsortium } from './store';
import { zoneMembershipsOf } from './zone-memberships';

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
	if (!isNetworkZoneAdmin(zoneMembershipsOf(db, consortiumId, accountId)))
		return fail('not-network-zone-admin', `Only the Network Zone's Project Admins can ${act}.`);
	return succeed({ consortium });
}
