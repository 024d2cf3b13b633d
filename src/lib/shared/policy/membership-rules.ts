/**
 * The membership and zone rules of both management modes (see docs/policy.md):
 * - only Project Admins manage people (invite, change roles and data views, remove);
 * - network-zone management: Project Admins are Network Zone members, so an Institution Zone
 *   user is Analyst or Consumer, and sees exactly their own zone's data view;
 * - institution-zone management: members come from the owning Institution Zone or the Network
 *   Zone, a Project Admin cannot remove or demote another Project Admin, and Network Zone users
 *   ask to join (or to be subscribed to boards) by request;
 * - anyone may step down or leave, and a project always keeps at least one Project Admin.
 */
import { zoneLabel } from '../consortium';
import type { AccessRequest, Member } from '../membership';
import { sameScope, type Scope } from '../project';
import { ROLE_LABELS, type Role } from '../roles';
import { ALLOW, deny, firstDenial, type Decision } from './decision';
import type { ProjectFacts } from './facts';

const RANK: Record<Role, number> = { consumer: 1, analyst: 2, admin: 3 };

export interface Assignment {
	role: Role;
	zoneId: string;
	scope: Scope;
}

/** Whether a person of this zone may hold this role and see these data views here. */
export function checkAssignment(facts: ProjectFacts, assignment: Assignment): Decision {
	const zone = facts.zone(assignment.zoneId);
	if (!zone) return deny('unknown-zone', 'That zone is not part of this consortium.');
	const unknownView =
		assignment.scope === 'all' ? undefined : assignment.scope.find((id) => !facts.view(id));
	if (unknownView !== undefined)
		return deny('unknown-view', `There is no data view "${unknownView}" in this project.`);
	return facts.project.mode === 'network-zone'
		? checkNetworkZoneAssignment(facts, assignment, zone.kind)
		: checkInstitutionZoneAssignment(facts, assignment, zone.kind);
}

function checkNetworkZoneAssignment(
	facts: ProjectFacts,
	assignment: Assignment,
	kind: 'network' | 'institution'
): Decision {
	if (kind === 'institution') {
		if (assignment.role === 'admin') {
			return deny(
				'iz-user-cannot-be-admin',
				'Institution Zone users cannot be Project Admin in this consortium: Project Admins must be Network Zone members.'
			);
		}
		const ownView = facts.viewOfZone(assignment.zoneId);
		if (!ownView || !sameScope(assignment.scope, [ownView.id])) {
			return deny(
				'iz-user-scope',
				`An Institution Zone user sees only their own zone's data view${ownView ? ` (${ownView.name})` : ''}.`
			);
		}
		return ALLOW;
	}
	if (assignment.role === 'admin' && assignment.scope !== 'all') {
		return deny('admin-scope', 'Project Admins see every data view of the project.');
	}
	return ALLOW;
}

function checkInstitutionZoneAssignment(
	facts: ProjectFacts,
	assignment: Assignment,
	kind: 'network' | 'institution'
): Decision {
	if (kind === 'institution' && assignment.zoneId !== facts.project.ownerZoneId) {
		const owner = facts.zone(facts.project.ownerZoneId);
		return deny(
			'zone-not-in-project',
			`Only people of ${owner ? zoneLabel(owner) : 'the owning Institution Zone'} and the Network Zone can be members of this project.`
		);
	}
	return ALLOW;
}

function requireAdmin(facts: ProjectFacts, actorId: string): Decision {
	const actor = facts.member(actorId);
	if (!actor) return deny('not-a-member', 'You are not a member of this project.');
	if (actor.role !== 'admin')
		return deny('admin-only', 'Only Project Admins can manage the users of a project.');
	return ALLOW;
}

function requireMember(facts: ProjectFacts, actorId: string): Decision {
	return facts.member(actorId)
		? ALLOW
		: deny('not-a-member', 'You are not a member of this project.');
}

/** In institution-zone management, a Project Admin's role is theirs to give up, nobody else's. */
function protectOtherAdmins(facts: ProjectFacts, actorId: string, target: Member): Decision {
	if (
		facts.project.mode === 'institution-zone' &&
		target.role === 'admin' &&
		target.accountId !== actorId
	) {
		return deny(
			'admin-protected',
			'A Project Admin cannot remove or demote another Project Admin, only users below Admin.'
		);
	}
	return ALLOW;
}

function keepOneAdmin(facts: ProjectFacts, target: Member, nextRole: Role | null): Decision {
	if (target.role === 'admin' && nextRole !== 'admin' && facts.adminCount() <= 1) {
		return deny('last-admin', 'A project always keeps at least one Project Admin.');
	}
	return ALLOW;
}

export interface InviteProposal extends Assignment {
	email: string;
}

export function decideInvite(
	facts: ProjectFacts,
	actorId: string,
	invite: InviteProposal
): Decision {
	return firstDenial(
		() => requireAdmin(facts, actorId),
		() => {
			const existing = facts.memberByEmail(invite.email);
			return existing
				? deny('already-member', `${invite.email} is already a member of this project.`)
				: ALLOW;
		},
		() => checkAssignment(facts, invite)
	);
}

/**
 * A change of role or data views. Immutable fields and stamps are the change judge's business;
 * this is the rule about who may move whom where.
 */
export function decideMemberChange(
	facts: ProjectFacts,
	actorId: string,
	target: Member,
	next: Assignment
): Decision {
	const roleChanged = next.role !== target.role;
	const scopeChanged = !sameScope(next.scope, target.scope);
	if (!roleChanged && !scopeChanged) return requireMember(facts, actorId);
	const isSelf = actorId === target.accountId;
	const stepsDown = isSelf && !scopeChanged && RANK[next.role] < RANK[target.role];
	return firstDenial(
		() => (stepsDown ? requireMember(facts, actorId) : requireAdmin(facts, actorId)),
		() => protectOtherAdmins(facts, actorId, target),
		() => keepOneAdmin(facts, target, next.role),
		() => checkAssignment(facts, { ...next, zoneId: target.zoneId })
	);
}

export function decideRemoval(facts: ProjectFacts, actorId: string, target: Member): Decision {
	const leaves = actorId === target.accountId;
	return firstDenial(
		() => (leaves ? requireMember(facts, actorId) : requireAdmin(facts, actorId)),
		() => protectOtherAdmins(facts, actorId, target),
		() => keepOneAdmin(facts, target, null)
	);
}

export interface Requester {
	accountId: string;
	zoneId: string;
}

/** Requests are how Network Zone users reach an Institution Zone's private project. */
function checkRequester(facts: ProjectFacts, requester: Requester): Decision {
	if (facts.project.mode !== 'institution-zone') {
		return deny(
			'requests-need-institution-mode',
			'Requests are for projects in institution-zone management; in network-zone management the Network Zone manages every account.'
		);
	}
	if (facts.zone(requester.zoneId)?.kind !== 'network') {
		return deny(
			'requester-not-network-zone',
			'Only Network Zone users can send requests to an Institution Zone project.'
		);
	}
	return ALLOW;
}

export function decideJoinRequest(facts: ProjectFacts, requester: Requester, role: Role): Decision {
	return firstDenial(
		() => checkRequester(facts, requester),
		() =>
			facts.member(requester.accountId)
				? deny(
						'already-member',
						`You are already a member of this project (${ROLE_LABELS[facts.member(requester.accountId)!.role]}).`
					)
				: ALLOW,
		() => checkAssignment(facts, { role, zoneId: requester.zoneId, scope: 'all' })
	);
}

export function decideSubscriptionRequest(facts: ProjectFacts, requester: Requester): Decision {
	return checkRequester(facts, requester);
}

export function decideRequestDecision(
	facts: ProjectFacts,
	actorId: string,
	request: AccessRequest
): Decision {
	return firstDenial(
		() => requireAdmin(facts, actorId),
		() =>
			request.status === 'pending'
				? ALLOW
				: deny('request-decided', 'This request has already been decided.')
	);
}

/** The roles an actor may give a person of this zone here: what the UI offers. */
export function assignableRoles(
	facts: ProjectFacts,
	actorId: string,
	zoneId: string,
	scope: Scope
): Role[] {
	if (!requireAdmin(facts, actorId).allowed) return [];
	return (['admin', 'analyst', 'consumer'] as const).filter(
		(role) => checkAssignment(facts, { role, zoneId, scope }).allowed
	);
}

/** The data views a person of this zone sees by default: their own zone's view for an IZ user in
 * network-zone management, every view otherwise. */
export function defaultScope(facts: ProjectFacts, zoneId: string): Scope {
	if (facts.project.mode === 'network-zone' && facts.zone(zoneId)?.kind === 'institution') {
		const view = facts.viewOfZone(zoneId);
		if (view) return [view.id];
	}
	return 'all';
}
