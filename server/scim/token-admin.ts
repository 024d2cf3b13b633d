/**
 * The consortium office's side of provisioning: every zone's token and provisioned people at a
 * glance, and issuing, replacing and revoking a zone's token, each a governance entry in the
 * consortium's log. The console's Project Admins of the Network Zone do it (routes.ts), and the
 * operators through `npm run admin -- issue-scim-token` / `revoke-scim-token` (author null).
 */
import {
	fail,
	SCIM_BASE_PATH,
	succeed,
	type Consortium,
	type Outcome,
	type ScimOverview,
	type ScimZone,
	type Zone
} from '../../src/lib/shared';
import { findAccountById } from '../auth/accounts';
import { recordGovernanceEvent } from '../audit/governance';
import { checkConsortiumOffice } from '../consortium/office';
import { findZone } from '../consortium/store';
import type { Db } from '../db/database';
import { offboardingStates } from '../offboarding/records';
import { provisioningEnded } from './provisioning';
import { findScimToken, issueScimToken, revokeScimToken } from './tokens';
import { provisionedCounts } from './users';

/** What managing tokens is, for the refusal of anyone else. */
const MANAGE_TOKENS = 'manage the zones’ provisioning (SCIM) tokens';

type OfficeCode = 'consortium-not-found' | 'not-network-zone-admin';

export function scimOverview(
	db: Db,
	consortiumId: string,
	accountId: string,
	siteUrl: string
): Outcome<{ overview: ScimOverview }, OfficeCode> {
	const office = checkConsortiumOffice(db, consortiumId, accountId, MANAGE_TOKENS);
	if (!office.ok) return office;
	const { consortium } = office;
	const counts = provisionedCounts(db, consortium.id);
	const offboardings = offboardingStates(db, consortium.id);
	return succeed({
		overview: {
			consortium: { id: consortium.id, name: consortium.name },
			baseUrl: `${siteUrl}${SCIM_BASE_PATH}`,
			zones: consortium.zones.map((zone) =>
				zoneSummary(db, zone, counts, offboardings.get(zone.id)?.leftAt ?? null)
			)
		}
	});
}

/** Issues the zone's token (replacing any), by a Project Admin of the Network Zone. */
export function issueZoneToken(
	db: Db,
	consortiumId: string,
	zoneId: string,
	accountId: string,
	now: number
): Outcome<
	{ zone: ScimZone; token: string; replaced: boolean },
	OfficeCode | 'zone-not-found' | 'zone-left'
> {
	const office = checkConsortiumOffice(db, consortiumId, accountId, MANAGE_TOKENS);
	if (!office.ok) return office;
	const zone = zoneIn(office.consortium, zoneId);
	if (!zone) return fail('zone-not-found', 'The consortium has no such zone.');
	const ended = provisioningEnded(db, { zone, consortium: office.consortium });
	if (ended) return ended;
	const issued = issueTokenFor(db, office.consortium, zone, accountId, now);
	const summary = zoneSummary(db, zone, provisionedCounts(db, consortiumId), null);
	return succeed({ ...issued, zone: summary });
}

export function revokeZoneToken(
	db: Db,
	consortiumId: string,
	zoneId: string,
	accountId: string,
	now: number
): Outcome<object, OfficeCode | 'zone-not-found' | 'scim-token-not-found'> {
	const office = checkConsortiumOffice(db, consortiumId, accountId, MANAGE_TOKENS);
	if (!office.ok) return office;
	const zone = zoneIn(office.consortium, zoneId);
	if (!zone) return fail('zone-not-found', 'The consortium has no such zone.');
	return revokeTokenOf(db, office.consortium, zone, accountId, now);
}

/** The operators' way (`npm run admin`): any zone, author null. */
export function issueTokenByOffice(
	db: Db,
	zoneId: string,
	now: number
): Outcome<{ zone: Zone; token: string; replaced: boolean }, 'zone-not-found' | 'zone-left'> {
	const found = findZone(db, zoneId);
	if (!found) return fail('zone-not-found', 'There is no such zone.');
	const ended = provisioningEnded(db, found);
	if (ended) return ended;
	return succeed({
		zone: found.zone,
		...issueTokenFor(db, found.consortium, found.zone, null, now)
	});
}

export function revokeTokenByOffice(
	db: Db,
	zoneId: string,
	now: number
): Outcome<{ zone: Zone }, 'zone-not-found' | 'scim-token-not-found'> {
	const found = findZone(db, zoneId);
	if (!found) return fail('zone-not-found', 'There is no such zone.');
	const revoked = revokeTokenOf(db, found.consortium, found.zone, null, now);
	return revoked.ok ? succeed({ zone: found.zone }) : revoked;
}

function issueTokenFor(
	db: Db,
	consortium: Consortium,
	zone: Zone,
	authorId: string | null,
	now: number
): { token: string; replaced: boolean } {
	return db.transaction(() => {
		const issued = issueScimToken(db, zone.id, authorId, now);
		recordTokenEvent(db, consortium, zone, authorId, issued.replaced ? 'replaced' : 'issued', now);
		return issued;
	})();
}

function revokeTokenOf(
	db: Db,
	consortium: Consortium,
	zone: Zone,
	authorId: string | null,
	now: number
): Outcome<object, 'scim-token-not-found'> {
	return db.transaction(() => {
		if (!revokeScimToken(db, zone.id))
			return fail('scim-token-not-found', `${zone.name} has no provisioning token to revoke.`);
		recordTokenEvent(db, consortium, zone, authorId, 'revoked', now);
		return succeed({});
	})();
}

function recordTokenEvent(
	db: Db,
	consortium: Consortium,
	zone: Zone,
	authorId: string | null,
	act: 'issued' | 'replaced' | 'revoked',
	now: number
): void {
	recordGovernanceEvent(db, {
		place: { consortiumId: consortium.id },
		authorId,
		subject: { zoneId: zone.id },
		event: { kind: 'provisioning-token', act, zoneId: zone.id, zoneName: zone.name },
		at: now
	});
}

function zoneIn(consortium: Consortium, zoneId: string): Zone | undefined {
	return consortium.zones.find((zone) => zone.id === zoneId);
}

function zoneSummary(
	db: Db,
	zone: Zone,
	counts: Map<string, { active: number; deactivated: number }>,
	leftAt: number | null
): ScimZone {
	const token = findScimToken(db, zone.id);
	const issuer = token?.issuedBy ? findAccountById(db, token.issuedBy) : null;
	return {
		id: zone.id,
		name: zone.name,
		kind: zone.kind,
		emailDomains: zone.emailDomains,
		token: token && {
			issuedAt: token.issuedAt,
			issuedByName:
				token.issuedBy === null ? 'the consortium office' : issuer?.name || 'a deleted account',
			lastUsedAt: token.lastUsedAt
		},
		leftAt,
		active: counts.get(zone.id)?.active ?? 0,
		deactivated: counts.get(zone.id)?.deactivated ?? 0
	};
}
