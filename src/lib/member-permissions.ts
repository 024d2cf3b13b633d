/**
 * The policy's answers in the shapes the Project Users components take: what the signed-in person
 * may do to each member and invitation, which roles an invitation may carry, and why an address
 * cannot be invited. Every reason is the policy's own message; nothing here adds a rule, except
 * that an accepted invitation has nothing left to revoke.
 */
import type { InvitePermissions } from './components/InvitedUsersTable.svelte';
import type { MemberPermissions } from './components/MembersTable.svelte';
import { roleChoicesFrom, type Permit, type RoleChoices } from './components/role-choices';
import {
	checkInviteeZone,
	decideInvite,
	decideMemberChange,
	defaultScope,
	judgeProjectChange,
	ROLES,
	decideRemoval,
	type Assignment,
	type Invite,
	type Invitees,
	type Member,
	type ProjectFacts,
	type Role
} from './shared';

/** The project's facts, and what is known of the zones of the addresses invited to it. */
export type InviteFacts = ProjectFacts & { readonly invitees: Invitees };

/**
 * The member's role and data views after a role change: a Project Admin sees every data view; a
 * role below keeps the data views the member has. The wiring writes what this returns.
 */
export function nextAssignment(member: Member, role: Role): Assignment {
	return { role, zoneId: member.zoneId, scope: role === 'admin' ? 'all' : member.scope };
}

export function memberPermissions(
	facts: ProjectFacts,
	actorId: string,
	member: Member
): MemberPermissions {
	const roleChoices = roleChoicesFrom((role) =>
		role === member.role
			? { allowed: true }
			: decideMemberChange(facts, actorId, member, nextAssignment(member, role))
	);
	const others = ROLES.filter((role) => role !== member.role);
	const canChangeRole: Permit = others.some((role) => roleChoices.allowed.includes(role))
		? { allowed: true }
		: {
				allowed: false,
				message: roleChoices.reasons?.[others[0]!] ?? 'This role cannot be changed.'
			};
	return { canChangeRole, canRemove: decideRemoval(facts, actorId, member), roleChoices };
}

/** The roles an invitation into this zone may carry, as Invite Users offers them. */
export function inviteRoleChoices(
	facts: InviteFacts,
	actorId: string,
	zoneId: string | null
): RoleChoices {
	if (zoneId === null) return { allowed: [] };
	// An address nobody has: only the rules about the inviter, the zone and the role speak.
	return roleChoicesFrom((role) =>
		decideInvite(
			facts,
			actorId,
			{
				email: 'nobody@invalid.invalid',
				role,
				zoneId,
				scope: role === 'admin' ? 'all' : defaultScope(facts, zoneId)
			},
			facts.invitees
		)
	);
}

/**
 * Why this address cannot be invited (already a member, already invited, or it belongs to another
 * zone than the one chosen), or null. Without a zone, only the reasons that hold whatever the zone.
 */
export function inviteRefusal(
	facts: InviteFacts,
	actorId: string,
	invites: Iterable<Invite>,
	address: string,
	zoneId: string | null
): string | null {
	const decision = decideInvite(
		facts,
		actorId,
		{ email: address, role: 'consumer', zoneId: zoneId ?? facts.project.ownerZoneId, scope: 'all' },
		facts.invitees
	);
	if (!decision.allowed && decision.code === 'already-member') return decision.message;
	for (const invite of invites) {
		if (invite.email === address && invite.status !== 'accepted') {
			return `${address} is already invited: use Resend Invitation in Invited Users.`;
		}
	}
	if (zoneId !== null) {
		const zone = checkInviteeZone(facts, facts.invitees, address, zoneId);
		if (!zone.allowed) return zone.message;
	}
	return null;
}

export function invitePermissions(
	facts: InviteFacts,
	actorId: string,
	invite: Invite
): InvitePermissions {
	const change = (after: Invite | undefined) =>
		judgeProjectChange(
			facts,
			actorId,
			{ root: 'invites', key: invite.id, before: invite, after },
			facts.invitees
		);
	const canRevoke: Permit =
		invite.status === 'accepted'
			? { allowed: false, message: 'This invitation was already accepted.' }
			: change(undefined);
	return {
		canResend: change({ ...invite, sendRequests: invite.sendRequests + 1 }),
		canRevoke
	};
}
