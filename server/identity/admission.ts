/**
 * Who comes in through a zone's identity provider, once openid-client has checked its ID token:
 * the provider must vouch for the address (`email_verified`), and the address must be one the
 * provider speaks for (`responsibleProvider`: its own domains, and its zone's in its consortium).
 * Then the account with that address signs in; without one, an account is made only for someone
 * with an open invitation, or when the zone lets its provider create accounts. Either way, open
 * invitations of the address are accepted on the way, as they are at once for a person who has an
 * account when invited.
 */
import { EmailSchema, NameSchema, fail, succeed, type Outcome } from '../../src/lib/shared';
import { createAccount, findAccountByEmail, type Account } from '../auth/accounts';
import type { AuthDb } from '../auth/settings';
import { addZonePerson } from '../consortium/zone-people';
import { acceptInvitations, openInvitationsOf } from '../invitations/by-address';
import type { DocumentRegistry } from '../sync/registry';
import { responsibleProvider, type StoredProvider } from './providers';

export type AdmissionFailure =
	| 'identity-provider-no-email'
	| 'identity-provider-email-unverified'
	| 'identity-provider-wrong-domain'
	| 'identity-provider-no-account';

/**
 * The ID token's claims (checked by openid-client before they get here): `email`,
 * `email_verified`, and `name` or `given_name` and `family_name` are read.
 */
export type VouchedClaims = Readonly<Record<string, unknown>>;

export interface Admitted {
	account: Account;
	/** Whether the account was made by this sign-in. */
	created: boolean;
	/** The projects joined by accepting open invitations. */
	joined: string[];
}

export function admitThroughProvider(
	deps: { auth: AuthDb; registry: DocumentRegistry },
	provider: StoredProvider,
	claims: VouchedClaims
): Outcome<Admitted, AdmissionFailure> {
	const { auth, registry } = deps;
	const email = EmailSchema.safeParse(claims.email);
	if (!email.success)
		return fail(
			'identity-provider-no-email',
			`${provider.zoneName}'s identity provider did not say which email address is yours: ask your identity administrator to release the email claim to the console.`
		);
	if (claims.email_verified !== true)
		return fail(
			'identity-provider-email-unverified',
			`${provider.zoneName}'s identity provider has not verified ${email.data}, so the console cannot take it as yours. Ask your identity administrator to verify it.`
		);
	if (responsibleProvider(auth.db, email.data)?.zoneId !== provider.zoneId)
		return fail(
			'identity-provider-wrong-domain',
			`${email.data} is not an address ${provider.zoneName}'s identity provider speaks for (${provider.emailDomains.join(', ')}). Sign in with your own library's address.`
		);
	// Synchronous from here on: nothing else runs between the checks and the writes.
	const invitations = openInvitationsOf(auth, registry, email.data);
	let account = findAccountByEmail(auth.db, email.data);
	const created = account === null;
	if (!account) {
		if (invitations.length === 0 && !provider.allowNewAccounts)
			return fail(
				'identity-provider-no-account',
				`${email.data} has no account here, and nobody invited it. Ask a Project Admin of your library to invite you.`
			);
		const made = createAccount(auth, { email: email.data, name: nameOf(claims, email.data) });
		account = made.ok ? made.account : findAccountByEmail(auth.db, email.data)!;
		// Let in by its zone's provider, not by an invitation: the person belongs to the zone.
		if (invitations.length === 0)
			addZonePerson(auth.db, provider.zoneId, account.id, 'office', auth.settings.now());
	}
	const joined = acceptInvitations(auth, registry, account, invitations);
	return succeed({ account, created, joined });
}

/** What the provider calls the person, else the address's local part. */
function nameOf(claims: VouchedClaims, email: string): string {
	const given = [claims.given_name, claims.family_name].filter((part) => typeof part === 'string');
	const candidates = [claims.name, given.join(' '), email.split('@')[0]];
	for (const candidate of candidates) {
		const parsed = NameSchema.safeParse(candidate);
		if (parsed.success) return parsed.data;
	}
	return email;
}
