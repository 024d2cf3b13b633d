/**
 * The policy's answers in the shapes the Project Users components take: what the signed-in person
 * may do to each member and invitation, which zone and roles an invitation of an address may
 * carry, and why an address cannot be invited. Every reason is the policy's own message; nothing
 * here adds a rule, except that an accepted invitation has nothing left to revoke and a hand-over
 * request that waits need not be sent twice.
 */
import type { InvitePermissions } from './components/InvitedUsersTable.svelte';
import type { AddressStanding } from './components/invite-plan';
import type { MemberPermissions } from './components/MembersTable.svelte';
import { formatDate } from './shared';
import { roleChoicesFrom, type Permit, type RoleChoices } from './components/role-choices';
import {
	decideHandoverRequest,
	decideInvite,
	decideMemberChange,
	defaultScope,
	judgeProjectChange,
	ROLES,
	decideRemoval,
	daysInMs,
	emailDomain,
	endDay,
	endOfDay,
	endsAtOf,
	invitedOrMember,
	isOpenInvitation,
	sameScope,
	openInvitationsByEmail,
	withResendRequested,
	type DataView,
	type HandoverRequest,
	type Invite,
	type Invitees,
	type Member,
	type ProjectFacts,
	type Reassignment,
	type Role,
	type Scope,
	type Zone
} from './shared';

/** The project's facts, and what is known of the zones of the addresses invited to it. */
export type InviteFacts = ProjectFacts & { readonly invitees: Invitees };

/**
 * The member's role and data views after a role change: a Project Admin sees every data view; a
 * role below keeps the data views the member has, and every role the end date. The wiring writes
 * what this returns.
 */
export function nextAssignment(member: Member, role: Role): Reassignment {
	return {
		role,
		zoneId: member.zoneId,
		scope: role === 'admin' ? 'all' : member.scope,
		endsAt: endsAtOf(member)
	};
}

/**
 * `handovers`: the project's hand-over requests, so that one that waits is not asked again;
 * `views`: the project's data views, to offer the member's choice among them.
 */
export function memberPermissions(
	facts: ProjectFacts,
	actorId: string,
	member: Member,
	handovers: Iterable<HandoverRequest> = [],
	views: readonly Pick<DataView, 'id'>[] = []
): MemberPermissions {
	const roleChoices = roleChoicesFrom((role) =>
		role === member.role
			? { ok: true }
			: decideMemberChange(facts, actorId, member, nextAssignment(member, role))
	);
	const others = ROLES.filter((role) => role !== member.role);
	const canChangeRole: Permit = others.some((role) => roleChoices.allowed.includes(role))
		? { ok: true }
		: {
				ok: false,
				message: roleChoices.reasons?.[others[0]!] ?? 'This role cannot be changed.'
			};
	return {
		canChangeRole,
		canRemove: decideRemoval(facts, actorId, member),
		roleChoices,
		canAskHandover: handoverPermit(facts, actorId, member, handovers),
		viewChoices: viewChoices(facts, actorId, member, views),
		canSetEndDate: endDatePermit(facts, actorId, member)
	};
}

/**
 * How the member's data views may be changed, choice by choice: null where nothing else could be
 * given (one data view in the project; the zone rules fix them, as for an Institution Zone user
 * or a Project Admin; the person may not change them), so that no control is shown.
 */
function viewChoices(
	facts: ProjectFacts,
	actorId: string,
	member: Member,
	views: readonly Pick<DataView, 'id'>[]
): ((scope: Scope) => Permit) | null {
	if (views.length < 2) return null;
	const decide = (scope: Scope) =>
		decideMemberChange(facts, actorId, member, { ...nextAssignment(member, member.role), scope });
	const others = ['all' as const, ...views.map((view) => [view.id])].filter(
		(scope) => !sameScope(scope, member.scope)
	);
	return others.some((scope) => decide(scope).ok) ? decide : null;
}

/**
 * Whether the person may say until when the member has access: clear the end date there is, or
 * set one (a day a month ahead stands for any day that has not passed).
 */
function endDatePermit(facts: ProjectFacts, actorId: string, member: Member): Permit {
	const now = facts.now();
	const next = endsAtOf(member) === null ? endOfDay(endDay(now + daysInMs(30))) : null;
	return decideMemberChange(facts, actorId, member, {
		...nextAssignment(member, member.role),
		endsAt: next
	});
}

/**
 * Whether the person may ask this member to step down: null where there is nobody to ask (the
 * member is not another Project Admin, or the person is no Project Admin), so that no control is
 * shown; the policy's answer otherwise, or why not again while an earlier request waits.
 */
function handoverPermit(
	facts: ProjectFacts,
	actorId: string,
	member: Member,
	handovers: Iterable<HandoverRequest>
): Permit | null {
	if (member.role !== 'admin' || member.accountId === actorId) return null;
	if (facts.member(actorId)?.role !== 'admin') return null;
	for (const request of handovers) {
		if (
			request.status === 'pending' &&
			request.askedBy === actorId &&
			request.askedOf === member.accountId
		)
			return {
				ok: false,
				message: `You asked ${member.name.trim() || member.email} on ${formatDate(request.createdAt)}; they have not answered yet.`
			};
	}
	return decideHandoverRequest(facts, actorId, {
		id: 'new',
		kind: 'step-down',
		askedBy: actorId,
		askedOf: member.accountId,
		stepDownTo: 'analyst',
		message: '',
		createdAt: 0,
		status: 'pending',
		answeredAt: null,
		reply: null
	});
}

/**
 * What a Project Admin should know before they step down or leave: when every other Project Admin
 * is from outside the project's own zone (its owner zone: the library, in institution-zone
 * management), those would run it alone, and nobody of the owner zone could remove or demote them.
 * Null when that is not so, or when the person is no Project Admin (their going changes nothing).
 */
export function ownerZoneWarning(
	facts: ProjectFacts,
	admins: Iterable<Member>,
	actorId: string
): string | null {
	if (facts.member(actorId)?.role !== 'admin') return null;
	const others = [...admins].filter(
		(admin) => admin.role === 'admin' && admin.accountId !== actorId
	);
	const ownerZoneId = facts.project.ownerZoneId;
	if (others.length === 0 || others.some((admin) => admin.zoneId === ownerZoneId)) return null;
	const owner = facts.zone(ownerZoneId)?.name ?? 'the project’s own zone';
	const names = others.slice(0, 3).map((admin) => {
		const zone = facts.zone(admin.zoneId)?.name;
		return `${admin.name.trim() || admin.email}${zone ? ` (${zone})` : ''}`;
	});
	if (others.length > 3) names.push(`${others.length - 3} more`);
	const list =
		names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
	return `${facts.project.name} would then be run only by ${list}, from outside ${owner}. Nobody of ${owner} could remove or demote ${others.length === 1 ? 'them' : 'any of them'}: only they can step down. Consider making someone of ${owner} Project Admin first.`;
}

/** The roles an invitation of this address into this zone may carry, as Invite Users offers them. */
export function inviteRoleChoices(
	facts: InviteFacts,
	actorId: string,
	address: string,
	zoneId: string
): RoleChoices {
	return roleChoicesFrom((role) =>
		decideInvite(
			facts,
			actorId,
			{
				email: address,
				role,
				zoneId,
				scope: role === 'admin' ? 'all' : defaultScope(facts, zoneId)
			},
			facts.invitees
		)
	);
}

/**
 * What Invite Users knows of an address before anything is chosen for it: a member or invited
 * already (nothing to send), the one zone its domain puts it in, the zones the inviter may choose
 * from when no zone (or more than one) claims its domain, or why it cannot be invited here at all.
 * `zones` are the consortium's zones, in the order they are offered.
 */
export function inviteStanding(
	facts: InviteFacts,
	actorId: string,
	invites: Iterable<Invite>,
	zones: readonly Zone[],
	address: string
): AddressStanding {
	const already = invitedOrMember(facts, openInvitationsByEmail(invites), address);
	if (already) return { kind: 'skipped', ...already };
	const claimed = facts.invitees.zonesOf(address);
	const candidates = claimed.length > 0 ? zones.filter((zone) => claimed.includes(zone.id)) : zones;
	const open = candidates.filter(
		(zone) => inviteRoleChoices(facts, actorId, address, zone.id).allowed.length > 0
	);
	if (open.length === 0) {
		const first = candidates[0];
		const reasons = first ? inviteRoleChoices(facts, actorId, address, first.id).reasons : {};
		return {
			kind: 'refused',
			message: reasons?.consumer ?? `${address} cannot be invited into this project.`
		};
	}
	if (claimed.length === 1) return { kind: 'zoned', zoneId: open[0]!.id };
	return {
		kind: 'choose',
		why: claimed.length === 0 ? 'unlisted' : 'shared',
		domain: emailDomain(address),
		zoneIds: open.map((zone) => zone.id),
		limit: unlistedDomainLimit(facts, actorId, address, candidates)
	};
}

/** The policy's `unlisted-domain` reason, when it keeps some of these zones from the inviter. */
function unlistedDomainLimit(
	facts: InviteFacts,
	actorId: string,
	address: string,
	zones: readonly Zone[]
): string | null {
	for (const zone of zones) {
		const decision = decideInvite(
			facts,
			actorId,
			{ email: address, role: 'consumer', zoneId: zone.id, scope: defaultScope(facts, zone.id) },
			facts.invitees
		);
		if (!decision.ok && decision.code === 'unlisted-domain') return decision.message;
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
	const canRevoke: Permit = isOpenInvitation(invite)
		? change(undefined)
		: { ok: false, message: 'This invitation was already accepted.' };
	const canResend = change(withResendRequested(invite));
	return { canResend, canRevoke, canCopyLink: canResend };
}
