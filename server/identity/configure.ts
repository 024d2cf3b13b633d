/**
 * Setting and removing a zone's identity provider, for the consortium office (the console's
 * identity page, `npm run admin -- set-identity-provider`). A provider speaks only for domains of
 * its own zone, none of which another provider speaks for already; its discovery document is
 * fetched before anything is stored, so that a wrong issuer or client is refused with the reason.
 */
import {
	domainsOutsideZone,
	fail,
	succeed,
	type IdentityProviderInput,
	type Outcome,
	type Zone
} from '../../src/lib/shared';
import { recordGovernanceEvent } from '../audit/governance';
import { findZone } from '../consortium/store';
import type { Db } from '../db/database';
import { discoverProvider } from './provider-client';
import type { ProviderFailure } from './provider-errors';
import {
	deleteProvider,
	domainHolder,
	findZoneProvider,
	saveProvider,
	secretContext,
	type StoredProvider
} from './providers';
import type { SecretBox } from './secret-box';

export interface IdentityStore {
	db: Db;
	box: SecretBox;
}

export type ProviderSetFailure =
	| 'zone-not-found'
	| 'identity-provider-invalid'
	| 'identity-provider-secret-unreadable'
	| ProviderFailure['code'];

/** Failures name the form's field at fault, for the console to show beside it. */
type SetOutcome = Outcome<
	{ provider: StoredProvider },
	ProviderSetFailure,
	{ fields?: Record<string, string[]> }
>;

/** Checks the provider against its zone and other providers, asks it for its metadata, stores it. */
export async function setZoneProvider(
	store: IdentityStore,
	zoneId: string,
	input: IdentityProviderInput,
	by: { accountId: string | null; at: number }
): Promise<SetOutcome> {
	const { db, box } = store;
	const zone = findZone(db, zoneId)?.zone;
	if (!zone) return fail('zone-not-found', 'There is no such zone.');
	const domainProblems = problemsWithDomains(db, zone, input.emailDomains);
	if (domainProblems.length > 0) return invalid('emailDomains', domainProblems.join(' '));
	const existing = findZoneProvider(db, zoneId);
	const secret = input.clientSecret ?? openExisting(box, existing);
	if (secret === null)
		return invalid('clientSecret', 'Enter the client secret the provider gave the console.');
	if (typeof secret !== 'string') return secret;
	const discovered = await discoverProvider({
		issuer: input.issuer,
		clientId: input.clientId,
		clientSecret: secret
	});
	if (!discovered.ok)
		return fail(discovered.code, discovered.message, { fields: { issuer: [discovered.message] } });
	const provider = db.transaction(() => {
		const saved = saveProvider(db, box, {
			zoneId,
			// The provider's own spelling: ID tokens are compared with it, character for character.
			issuer: discovered.configuration.serverMetadata().issuer,
			clientId: input.clientId,
			clientSecret: input.clientSecret ?? null,
			emailDomains: input.emailDomains,
			required: input.required,
			allowNewAccounts: input.allowNewAccounts,
			updatedBy: by.accountId,
			at: by.at
		});
		recordGovernanceEvent(db, {
			place: { consortiumId: zone.consortiumId },
			authorId: by.accountId,
			subject: { zoneId },
			event: {
				kind: 'identity-provider-set',
				zoneId,
				issuer: saved.issuer,
				clientId: saved.clientId,
				emailDomains: saved.emailDomains,
				required: saved.required,
				allowNewAccounts: saved.allowNewAccounts,
				secretChanged: input.clientSecret !== undefined
			},
			at: by.at
		});
		return saved;
	})();
	return succeed({ provider });
}

export function removeZoneProvider(
	db: Db,
	zoneId: string,
	by: { accountId: string | null; at: number }
): Outcome<object, 'identity-provider-not-found'> {
	return db.transaction(() => {
		const provider = findZoneProvider(db, zoneId);
		if (!provider || !deleteProvider(db, zoneId))
			return fail('identity-provider-not-found', 'This zone has no identity provider.');
		recordGovernanceEvent(db, {
			place: { consortiumId: provider.consortiumId },
			authorId: by.accountId,
			subject: { zoneId },
			event: { kind: 'identity-provider-removed', zoneId, issuer: provider.issuer },
			at: by.at
		});
		return succeed({});
	})();
}

/** Why the zone's provider may not speak for these domains; empty when it may. */
function problemsWithDomains(db: Db, zone: Zone, domains: readonly string[]): string[] {
	const zoneDomains = zone.emailDomains;
	if (zoneDomains.length === 0)
		return [
			`${zone.name} has no email domains of its own, so its provider could speak for nobody: its domains are set when the consortium is created.`
		];
	const outside = domainsOutsideZone(domains, zoneDomains);
	if (outside.length > 0)
		return [
			`${outside.join(', ')} ${outside.length === 1 ? 'is not a domain' : 'are not domains'} of ${zone.name} (${zoneDomains.join(', ')}).`
		];
	return domains.flatMap((domain) => {
		const holder = domainHolder(db, domain);
		return holder && holder.zoneId !== zone.id
			? [`${holder.zoneName}'s identity provider speaks for ${domain} already.`]
			: [];
	});
}

function openExisting(
	box: SecretBox,
	existing: StoredProvider | null
): string | null | ReturnType<typeof secretUnreadable> {
	if (!existing) return null;
	const opened = box.open(existing.clientSecretSealed, secretContext(existing.zoneId));
	return opened.ok ? opened.secret : secretUnreadable(opened.message);
}

function secretUnreadable(message: string) {
	return fail('identity-provider-secret-unreadable', message, {
		fields: { clientSecret: [message] }
	});
}

function invalid(field: keyof IdentityProviderInput, message: string) {
	return fail('identity-provider-invalid', message, { fields: { [field]: [message] } });
}
