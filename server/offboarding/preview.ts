/**
 * The preview of a library's offboarding: the consortium office's right to it, the zone, and the
 * plan built from this moment's facts, signed with a fingerprint (SHA-256 of the plan) that the
 * apply compares with the plan it builds again. Also the list of member libraries to choose from.
 */
import { createHash } from 'node:crypto';
import {
	fail,
	planOffboarding,
	succeed,
	type Consortium,
	type OffboardingPlan,
	type OffboardingZones,
	type Outcome,
	type UnsignedOffboardingPlan,
	type Zone
} from '../../src/lib/shared';
import { checkConsortiumOffice } from '../consortium/office';
import { gatherOffboardingFacts, type FactSources } from './facts';
import { offboardingStates } from './records';

/** What offboarding a library is, for the refusal of anyone else. */
export const OFFBOARDING_ACT = 'offboard a member library';

export type OffboardingAccessCode =
	'consortium-not-found' | 'not-network-zone-admin' | 'zone-not-found' | 'not-an-institution-zone';

/** The consortium and the member library, when the account is of the consortium office. */
export function checkOffboardingAccess(
	sources: FactSources,
	consortiumId: string,
	zoneId: string,
	accountId: string
): Outcome<{ consortium: Consortium; zone: Zone }, OffboardingAccessCode> {
	const office = checkConsortiumOffice(sources.db, consortiumId, accountId, OFFBOARDING_ACT);
	if (!office.ok) return office;
	const zone = office.consortium.zones.find((candidate) => candidate.id === zoneId);
	if (!zone) return fail('zone-not-found', 'The consortium has no such zone.');
	if (zone.kind !== 'institution')
		return fail(
			'not-an-institution-zone',
			`${zone.name} is the Network Zone: the consortium office itself, which cannot be offboarded.`
		);
	return succeed({ consortium: office.consortium, zone });
}

export function previewOffboarding(
	sources: FactSources,
	consortiumId: string,
	zoneId: string,
	accountId: string
): Outcome<{ plan: OffboardingPlan; consortium: Consortium }, OffboardingAccessCode> {
	const access = checkOffboardingAccess(sources, consortiumId, zoneId, accountId);
	if (!access.ok) return access;
	const plan = planOffboarding(gatherOffboardingFacts(sources, access.consortium, access.zone));
	return succeed({
		plan: { ...plan, fingerprint: fingerprintOf(plan) },
		consortium: access.consortium
	});
}

function fingerprintOf(plan: UnsignedOffboardingPlan): string {
	return createHash('sha256').update(JSON.stringify(plan)).digest('base64url');
}

/** The consortium's member libraries, with how many people each has and where it stands. */
export function listOffboardingZones(
	sources: FactSources,
	consortiumId: string,
	accountId: string
): Outcome<{ zones: OffboardingZones }, 'consortium-not-found' | 'not-network-zone-admin'> {
	const office = checkConsortiumOffice(sources.db, consortiumId, accountId, OFFBOARDING_ACT);
	if (!office.ok) return office;
	const { consortium } = office;
	const states = offboardingStates(sources.db, consortium.id);
	const people = sources.db
		.prepare(
			`SELECT zone_id, COUNT(*) FROM zone_people
			 WHERE zone_id IN (SELECT id FROM zones WHERE consortium_id = ?) GROUP BY zone_id`
		)
		.raw()
		.all(consortium.id) as Array<[string, number]>;
	const counts = new Map(people);
	return succeed({
		zones: {
			consortium: { id: consortium.id, name: consortium.name, mode: consortium.mode },
			zones: consortium.zones
				.filter((zone) => zone.kind === 'institution')
				.map((zone) => ({
					id: zone.id,
					name: zone.name,
					people: counts.get(zone.id) ?? 0,
					leftAt: states.get(zone.id)?.leftAt ?? null,
					unfinished: states.get(zone.id)?.unfinished ?? false
				}))
		}
	});
}
