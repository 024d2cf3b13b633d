/**
 * A small consortium for component tests: the Network Zone "Office" and two Institution Zones,
 * "Aurora" and "Borealis", in network-zone management, with the policy deciding what the
 * signed-in Project Admin ("admin-1") may do, as the wiring will.
 */
import type { RoleChoices } from '../../src/lib/components/role-choices';
import type { AddressStanding } from '../../src/lib/components/invite-plan';
import {
	inviteRoleChoices as inviteRoleChoicesFor,
	inviteStanding as inviteStandingOf,
	memberPermissions
} from '../../src/lib/member-permissions';
import {
	factsFromSnapshot,
	inviteesFrom,
	type Invite,
	type Member,
	type ProjectInfo,
	type Role
} from '../../src/lib/shared';
import { ZONES, NETWORK_VIEWS as VIEWS } from '../support/policy-fixtures';

/** The same consortium as the policy tests'. */
export { ZONES, VIEWS };

export const PROJECT: ProjectInfo = {
	id: 'p1',
	name: 'Consortium analytics',
	description: '',
	consortiumId: 'c1',
	consortiumName: 'Northern Lights',
	mode: 'network-zone',
	ownerZoneId: 'nz'
};

export function member(accountId: string, name: string, role: Role, zoneId: string): Member {
	const domain = ZONES.find((zone) => zone.id === zoneId)!.emailDomains[0];
	return {
		accountId,
		email: `${accountId}@${domain}`,
		name,
		role,
		zoneId,
		scope: zoneId === 'nz' ? 'all' : [`v-${zoneId}`],
		joinedAt: 1,
		updatedBy: 'system',
		updatedAt: 1
	};
}

export const ADMIN = member('admin-1', 'Ada Admin', 'admin', 'nz');

export function manyMembers(count: number): Member[] {
	const zones = ['nz', 'aurora', 'borealis'];
	return Array.from({ length: count }, (_, index) => {
		const zoneId = zones[index % 3]!;
		const role: Role =
			zoneId === 'nz' && index % 7 === 0 ? 'admin' : index % 2 ? 'analyst' : 'consumer';
		return member(
			`m${String(index).padStart(5, '0')}`,
			`Member ${String(index).padStart(5, '0')}`,
			role,
			zoneId
		);
	});
}

const facts = (members: Member[]) => ({
	...factsFromSnapshot({ project: PROJECT, zones: ZONES, views: VIEWS, members }),
	invitees: inviteesFrom(() => ZONES)
});

/** What the wiring computes for each row: the policy's decisions for the signed-in admin. */
export function permissionsFor(members: Member[]) {
	const snapshot = facts(members);
	return (target: Member) => memberPermissions(snapshot, ADMIN.accountId, target, [], VIEWS);
}

/** The roles an invitation of this address into this zone may carry. */
export function inviteRoleChoices(
	zoneId: string,
	address = `someone@${ZONES.find((zone) => zone.id === zoneId)!.emailDomains[0]}`
): RoleChoices {
	return inviteRoleChoicesFor(facts([ADMIN]), ADMIN.accountId, address, zoneId);
}

/**
 * What Invite Users knows of an address, as the wiring asks: the members and invitations given
 * (the admin alone, nobody invited, by default).
 */
export function inviteStanding(
	members: Member[] = [ADMIN],
	invites: Invite[] = []
): (address: string) => AddressStanding {
	const snapshot = facts(members);
	return (address) => inviteStandingOf(snapshot, ADMIN.accountId, invites, ZONES, address);
}

export function invite(overrides: Partial<Invite> & Pick<Invite, 'id' | 'email'>): Invite {
	return {
		role: 'analyst',
		zoneId: 'aurora',
		scope: ['v-aurora'],
		invitedBy: ADMIN.accountId,
		invitedAt: 1_700_000_000_000,
		sendRequests: 1,
		status: 'sent',
		sentAt: 1_700_000_000_000,
		expiresAt: 1_700_600_000_000,
		acceptedAt: null,
		failure: null,
		...overrides
	};
}
