/**
 * Whether a person may sign in: not while a zone's identity provider has them deactivated or
 * deleted (docs/security.md, "Provisioning"). The identity core asks it before every new session
 * (`AuthRouteDeps.signInRefusal`), whatever the way in: a link, a password, a reset, an
 * invitation, a portal's ticket. Reactivation lifts it; it gives back no membership.
 */
import { fail, type Failure } from '../../src/lib/shared';
import type { Db } from '../db/database';
import { provisioningZoneOf, signInHoldOf } from './users';

export type SignInRefusal = Failure<'deactivated-by-identity-provider'>;

export function signInRefusalOf(db: Db): (account: { id: string }) => SignInRefusal | null {
	return (account) => {
		const hold = signInHoldOf(db, account.id);
		if (!hold) return null;
		const provider = `${hold.zoneName}’s identity provider`;
		const what = hold.state === 'deleted' ? 'removed you' : 'deactivated your account';
		return fail(
			'deactivated-by-identity-provider',
			`${provider} ${what}, so you cannot sign in to the console. If this is a mistake, ask ${hold.zoneName}’s IT staff.`
		);
	};
}

export type AddressChangeRefusal = Failure<'address-managed-by-identity-provider'>;

/**
 * A provisioned person's address is the `userName` their zone's identity provider knows them
 * by: changed here, the provider's filter would no longer find them, and deactivating them there
 * would reach nobody. So the provider changes it (SCIM replace), not the person.
 */
export function addressChangeRefusalOf(
	db: Db
): (account: { id: string }) => AddressChangeRefusal | null {
	return (account) => {
		const zoneName = provisioningZoneOf(db, account.id);
		if (!zoneName) return null;
		return fail(
			'address-managed-by-identity-provider',
			`${zoneName}’s identity provider manages your address: it changes there, and the console follows.`
		);
	};
}
