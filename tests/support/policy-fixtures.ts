/**
 * A small consortium for policy tests: the Network Zone "Office" and two Institution Zones,
 * "Aurora" and "Borealis", in either management mode.
 */
import {
	factsFromSnapshot,
	inviteesFrom,
	type DataView,
	type Invitees,
	type ManagementMode,
	type Member,
	type ProjectFacts,
	type ProjectInfo,
	type Role,
	type Scope,
	type ViewInProject,
	type Zone
} from '../../src/lib/shared';

export const ZONES: Zone[] = [
	{
		id: 'nz',
		consortiumId: 'c1',
		kind: 'network',
		name: 'Office',
		emailDomains: ['office.example.org']
	},
	{
		id: 'aurora',
		consortiumId: 'c1',
		kind: 'institution',
		name: 'Aurora',
		emailDomains: ['aurora.example.edu']
	},
	{
		id: 'borealis',
		consortiumId: 'c1',
		kind: 'institution',
		name: 'Borealis',
		emailDomains: ['borealis.example.edu']
	}
];

export const NETWORK_VIEWS: DataView[] = [
	{ id: 'global', name: 'All libraries', kind: 'global', zoneId: 'nz' },
	{ id: 'v-aurora', name: 'Aurora', kind: 'institution', zoneId: 'aurora' },
	{ id: 'v-borealis', name: 'Borealis', kind: 'institution', zoneId: 'borealis' }
];

export const INSTITUTION_VIEWS: DataView[] = [
	{ id: 'main', name: 'Aurora', kind: 'institution', zoneId: 'aurora' }
];

export function projectInfo(mode: ManagementMode): ProjectInfo {
	return {
		id: mode === 'network-zone' ? 'p-network' : 'p-aurora',
		name: mode === 'network-zone' ? 'Consortium analytics' : 'Aurora analytics',
		description: '',
		consortiumId: 'c1',
		consortiumName: 'Northern Lights',
		mode,
		ownerZoneId: mode === 'network-zone' ? 'nz' : 'aurora'
	};
}

export function member(
	accountId: string,
	role: Role,
	zoneId: string,
	scope: Scope = 'all'
): Member {
	return {
		accountId,
		email: `${accountId}@${ZONES.find((zone) => zone.id === zoneId)!.emailDomains[0]}`,
		name: accountId,
		role,
		zoneId,
		scope,
		joinedAt: 1,
		updatedBy: 'system',
		updatedAt: 1
	};
}

/** An IZ member of a network-zone project, scoped to their zone's view as the rules require. */
export function izMember(accountId: string, role: Role, zoneId: 'aurora' | 'borealis'): Member {
	return member(accountId, role, zoneId, [`v-${zoneId}`]);
}

/**
 * The facts of a project of this consortium, and its invitees as the console knows them (by email
 * domain); `knownZones` adds what the server knows of people's zones, by address.
 */
export function facts(
	mode: ManagementMode,
	members: Member[],
	knownZones: Record<string, string[]> = {}
): ProjectFacts & { invitees: Invitees } {
	return {
		...factsFromSnapshot({
			project: projectInfo(mode),
			zones: ZONES,
			views: mode === 'network-zone' ? NETWORK_VIEWS : INSTITUTION_VIEWS,
			members
		}),
		invitees: inviteesFrom(
			() => ZONES,
			(email) => knownZones[email] ?? []
		)
	};
}

/**
 * The global data view of the network-zone project, read by its Network Zone members `ada`
 * (Project Admin), `nia` (Analyst) and the Consumers `cy` and `cora`: the view a data view's
 * changes are judged in (a subscription's recipients must read it).
 */
export const GLOBAL_VIEW: ViewInProject = {
	facts: facts('network-zone', [
		member('ada', 'admin', 'nz'),
		member('nia', 'analyst', 'nz'),
		member('cy', 'consumer', 'nz'),
		member('cora', 'consumer', 'nz')
	]),
	viewId: 'global'
};
