/**
 * A zone that requires its identity provider: its provider decides who its people are, so the
 * console's own ways in (an emailed sign-in link, a password, a password reset, an invitation's
 * link) are refused for the addresses its provider speaks for, with the way that works instead.
 * Sessions opened before stay: requiring the provider is about how people sign in from now on.
 */
import { fail, type Failure } from '../../src/lib/shared';
import type { Db } from '../db/database';
import { responsibleProvider } from './providers';

export type ProviderRequired = Failure<'identity-provider-required', { zoneName: string }>;

/**
 * The refusal when the address's zone requires its provider; null when the way is open. The auth
 * and invitation routes are handed it (`AuthRouteDeps.providerRequiredFor`), so that they do not
 * depend on this room.
 */
export function providerRequiredFor(db: Db, email: string): ProviderRequired | null {
	const provider = responsibleProvider(db, email);
	if (!provider?.required) return null;
	return fail(
		'identity-provider-required',
		`${provider.zoneName} signs its people in through its own identity provider: enter your address on the sign-in page and continue with ${provider.zoneName}'s sign-in.`,
		{ zoneName: provider.zoneName }
	);
}
