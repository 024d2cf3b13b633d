/**
 * The membership and zone rules of both management modes (see docs/policy.md):
 * - only Project Admins manage people (invite, change roles and data views, remove), and a
 *   Project Admin cannot remove or demote another Project Admin, only users below Admin;
 * - network-zone management: Project Admins are Network Zone members, so an Institution Zone
 *   user is Analyst or Consumer, and sees exactly their own zone's data view;
 * - institution-zone management: members come from the owning Institution Zone or the Network
 *   Zone, and Network Zone users ask to join (or to be subscribed to boards) by request;
 * - anyone may step down or leave, and a project always keeps at least one Project Admin;
 * - an end date on a membership is managing it: set, changed or cleared by a Project Admin who may
 *   manage the member, always in the future by the server's clock, never on the only Project Admin.
 */
import { z } from 'zod';
import { zoneLabel, zonesClaimingEmail, type Zone } from '../consortium';
import { readKnownFields } from '../entries';
import { formatDate } from '../human-format';
import { EmailSchema, IdSchema } from '../ids';
import {
	AccessRequestSchema,
	EndsAtSchema,
	endsAtOf,
	MemberSchema,
	type AccessRequest,
	type Invite,
	type Member
} from '../membership';
import { ScopeSchema, sameScope, type Scope } from '../project';
import { newInvitation } from '../invitation-lifecycle';
import { ROLE_LABELS, ROLES, RoleSchema, type Role } from '../roles';
import { fail, succeed, type Outcome } from '../outcome';
import { ALLOW, deny, firstDenial, type Decision, type ReasonCode } from './decision';
import type { ProjectFacts } from './facts';
import { shown } from './values';
import { firstIssue } from '../zod-issues';

const RANK: Record<Role, number> = { consumer: 1, analyst: 2, admin: 3 };

export interface Assignment {
	role: Role;
	zoneId: string;
	scope: Scope;
}

// ---- reading the input ----------------------------------------------------------------------
// Every public entry point reads what it is given with the shared schemas, whatever its type says:
// callers pass values from documents, requests and forms. A role is read as the schema reads it
// (Messenger is Consumer); a field the schema does not know is left out (whether an entry may be
// stored with it is `readEntry`'s question, not these rules'); anything not understood is a
// denial with a reason, never an allow.

const AssignmentSchema = z.object({ role: RoleSchema, zoneId: IdSchema, scope: ScopeSchema });
const InviteProposalSchema = AssignmentSchema.extend({ email: EmailSchema, endsAt: EndsAtSchema });
/** A new role, data views and end date for a member, whose zone is a fact about the person. */
const ReassignmentSchema = AssignmentSchema.omit({ zoneId: true }).extend({ endsAt: EndsAtSchema });
const RequesterSchema = z.object({ accountId: IdSchema, zoneId: IdSchema });
const RoleInputSchema = z.object({ role: RoleSchema });

type Read<T> = Outcome<{ value: T }, ReasonCode>;

function read<T>(schema: z.ZodType<T>, value: unknown, what: string): Read<T> {
	const parsed = readKnownFields(schema, value);
	if (parsed.success) return succeed({ value: parsed.data });
	const { issues } = parsed.error;
	// A role that is there but not a role is an unknown role; a missing one, a malformed entry.
	for (const issue of issues) {
		if (issue.path[issue.path.length - 1] !== 'role') continue;
		const role = issue.path.reduce<unknown>(
			(at, key) => (typeof at === 'object' && at !== null ? (at as never)[key] : undefined),
			value
		);
		if (role !== undefined) return fail('unknown-role', `"${shown(role)}" is not a project role.`);
	}
	const issue = firstIssue(parsed.error);
	const where = issue.path ? ` (${issue.path})` : '';
	return fail('invalid-entry', `The ${what} is malformed${where}: ${issue.message}.`);
}

/** Whether a person of this zone may hold this role and see these data views here. */
export function checkAssignment(facts: ProjectFacts, assignment: Assignment): Decision {
	const input = read(AssignmentSchema, assignment, 'assignment');
	return input.ok ? assignmentRules(facts, input.value) : input;
}

function assignmentRules(facts: ProjectFacts, assignment: Assignment): Decision {
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
				'Institution Zone users cannot be Project Admin in this consortium (Network Zone management): Project Admins must be Network Zone members.'
			);
		}
		const ownView = facts.viewOfZone(assignment.zoneId);
		if (!ownView || !sameScope(assignment.scope, [ownView.id])) {
			return deny(
				'iz-user-scope',
				`In Network Zone management an Institution Zone user sees only their own zone's data view${ownView ? ` (${ownView.name})` : ''}.`
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
			`In Institution Zone management only people of ${owner ? zoneLabel(owner) : 'the owning Institution Zone'} and the Network Zone can be members of this project.`
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

/** Only a Project Admin says until when someone has access; the member themselves least of all. */
function requireAdminForEndDate(facts: ProjectFacts, actorId: string, target: Member): Decision {
	const admin = requireAdmin(facts, actorId);
	if (admin.ok || admin.code !== 'admin-only' || actorId !== target.accountId) return admin;
	return deny('admin-only', 'Only a Project Admin can change when your access ends.');
}

function requireMember(facts: ProjectFacts, actorId: string): Decision {
	return facts.member(actorId)
		? ALLOW
		: deny('not-a-member', 'You are not a member of this project.');
}

/**
 * A Project Admin's role is theirs to give up, nobody else's (the seed: "a Project Admin cannot
 * remove another Project Admin, only users with role permissions below an Admin"), in both
 * management modes. Demoting an admin removes their admin role, so it counts as removing them;
 * so does any write to their entry. Their way out is their own: stepping down or leaving, asked
 * for with a hand-over request, and for a stuck project the consortium's operators
 * (`npm run admin -- remove-admin`).
 */
function protectOtherAdmins(
	actorId: string,
	target: Member,
	act:
		| 'remove'
		| 'demote'
		| 'change the data views of'
		| 'set an end date for'
		| 'rewrite the entry of'
): Decision {
	if (target.role !== 'admin' || target.accountId === actorId) return ALLOW;
	if (act !== 'remove' && act !== 'demote')
		return deny(
			'admin-protected',
			`A Project Admin cannot ${act} another Project Admin, only users below Admin.`
		);
	const name = target.name.trim() || target.email;
	return deny(
		'admin-protected',
		`Only ${name} can give up their Project Admin role, by stepping down or leaving: a Project Admin cannot ${act} another Project Admin, only users below Admin. Ask ${name} with a hand-over request.`
	);
}

function keepOneAdmin(facts: ProjectFacts, target: Member, nextRole: Role | null): Decision {
	if (target.role === 'admin' && nextRole !== 'admin' && facts.adminCount() <= 1) {
		return deny('last-admin', 'A project always keeps at least one Project Admin.');
	}
	return ALLOW;
}

export interface InviteProposal extends Assignment {
	email: string;
	/** When the membership it offers ends; none when absent or null. */
	endsAt?: number | null;
}

/** A member's role, data views and end date after a change; an absent end date is none. */
export interface Reassignment extends Assignment {
	endsAt?: number | null;
}

// ---- end dates ------------------------------------------------------------------------------

/**
 * An end date is judged by the clock of whoever judges (`facts.now()`): the server's decides.
 * A date that has passed by the time a change reaches the server (an admin offline, a clock ahead
 * of the server's) is refused there, so a late change never sets an end that is already over.
 */
function endDateInFuture(facts: ProjectFacts, endsAt: number | null): Decision {
	if (endsAt === null || endsAt > facts.now()) return ALLOW;
	return deny(
		'end-date-past',
		`An end date must be in the future: ${formatDate(endsAt)} has already passed.`
	);
}

/**
 * The only Project Admin keeps the project running, so their access cannot end by date: the
 * project would be left without an admin. (Should a project's last Project Admin still have an end
 * date when it comes, because the others left since, the server keeps them and says so.)
 */
function noEndForTheOnlyAdmin(
	facts: ProjectFacts,
	target: Member,
	next: Pick<Reassignment, 'role' | 'endsAt'>
): Decision {
	const otherAdmins = facts.adminCount() - (target.role === 'admin' ? 1 : 0);
	if (endsAtOf(next) === null || next.role !== 'admin' || otherAdmins > 0) return ALLOW;
	return deny(
		'last-admin',
		'The only Project Admin cannot have an end date: a project always keeps at least one Project Admin. Make someone else Project Admin first.'
	);
}

/**
 * A membership whose end date has passed is over: the server removes it, and nothing but a removal
 * may touch it until then, so that an edit racing the server (or sent while offline) never keeps
 * alive what has ended.
 */
function accessNotEnded(facts: ProjectFacts, target: Member): Decision {
	const endsAt = endsAtOf(target);
	if (endsAt === null || endsAt > facts.now()) return ALLOW;
	const name = target.name.trim() || target.email;
	return deny(
		'access-ended',
		`${name}'s access ended on ${formatDate(endsAt)}: the server removes the membership.`
	);
}

/**
 * What is known about the person behind an address beyond the project: the zones of the
 * consortium they belong to. The server knows it from its records; the UI from email domains only.
 */
export interface Invitees {
	/** The ids of the zones the address belongs to; empty when nothing is known. */
	zonesOf(email: string): readonly string[];
}

/**
 * An address belongs to the zones whose email domains claim it (`zonesClaimingEmail`), whatever
 * else is said of it: a domain is the institution's, so no record can move its addresses into
 * another zone. An address at a domain no zone claims belongs to the zones its account is known to
 * belong to (the server's `zone_people`: the consortium office said so, or the person is a member
 * from that zone). `zones` is read when first needed.
 */
export function inviteesFrom(
	zones: () => Iterable<Pick<Zone, 'id' | 'emailDomains'>>,
	knownZonesOf: (email: string) => readonly string[] = () => []
): Invitees {
	return {
		zonesOf(email) {
			const claimed = zonesClaimingEmail(zones(), email).map((zone) => zone.id);
			return claimed.length > 0 ? claimed : knownZonesOf(email);
		}
	};
}

/**
 * A person's zone is a fact about them, not the inviter's choice: an address of an Institution
 * Zone is invited into that zone, never into the Network Zone (where it could become Project Admin).
 */
export function checkInviteeZone(
	facts: ProjectFacts,
	invitees: Invitees,
	email: string,
	zoneId: string
): Decision {
	const input = read(InviteeSchema, { email, zoneId }, 'invitation');
	return input.ok ? inviteeZoneRule(facts, invitees, input.value) : input;
}

const InviteeSchema = z.object({ email: EmailSchema, zoneId: IdSchema });

function inviteeZoneRule(
	facts: ProjectFacts,
	invitees: Invitees,
	{ email, zoneId }: z.output<typeof InviteeSchema>
): Decision {
	const zones = invitees.zonesOf(email);
	if (zones.length === 0 || zones.includes(zoneId)) return ALLOW;
	const names = zones.map((id) => {
		const zone = facts.zone(id);
		return zone ? zoneLabel(zone) : id;
	});
	return deny(
		'zone-does-not-match-email',
		`${email} belongs to ${names.join(' or ')}: invite them into ${names.length === 1 ? 'that zone' : 'one of those zones'}.`
	);
}

export function decideInvite(
	facts: ProjectFacts,
	actorId: string,
	invite: InviteProposal,
	invitees: Invitees
): Decision {
	const input = read(InviteProposalSchema, invite, 'invitation');
	if (!input.ok) return input;
	const proposal = input.value;
	return firstDenial(
		() => requireAdmin(facts, actorId),
		() => {
			const existing = facts.memberByEmail(proposal.email);
			return existing
				? deny('already-member', `${proposal.email} is already a member of this project.`)
				: ALLOW;
		},
		() => inviteeZoneRule(facts, invitees, proposal),
		() => unlistedDomainRule(facts, actorId, invitees, proposal),
		() => assignmentRules(facts, proposal),
		() => endDateInFuture(facts, endsAtOf(proposal))
	);
}

/**
 * Resending an invitation whose end date has passed would mail a link to access that is already
 * over: it is refused, and the invitation can only be revoked (and made again with a new date).
 */
export function decideInviteResend(facts: ProjectFacts, invite: Invite): Decision {
	const endsAt = endsAtOf(invite);
	if (endsAt === null || endsAt > facts.now()) return ALLOW;
	return deny(
		'access-ended',
		`The access this invitation offers ended on ${formatDate(endsAt)}: revoke it and invite again with a new end date.`
	);
}

/**
 * An address no zone claims, and that nothing known ties to a zone, could be anyone's: another
 * consortium's librarian, a private mailbox. Whoever invites it says which zone the person belongs
 * to, and may say so only of a zone they answer for. In network-zone management that is every
 * zone, since the Network Zone manages every account; in institution-zone management it is the
 * inviter's own zone, so that an Institution Zone's admin cannot make a stranger a Network Zone
 * user (who could then ask to join every other library's project) and the consortium office cannot
 * declare a stranger one of a library's people.
 */
function unlistedDomainRule(
	facts: ProjectFacts,
	actorId: string,
	invitees: Invitees,
	{ email, zoneId }: { email: string; zoneId: string }
): Decision {
	if (facts.project.mode === 'network-zone' || invitees.zonesOf(email).length > 0) return ALLOW;
	const own = facts.member(actorId)?.zoneId;
	if (own === zoneId) return ALLOW;
	const ownZone = own === undefined ? undefined : facts.zone(own);
	return deny(
		'unlisted-domain',
		`${email} is at a domain that no zone of ${facts.project.consortiumName} lists: you can invite them only into your own zone${ownZone ? `, ${zoneLabel(ownZone)}` : ''}.`
	);
}

/**
 * A change of role, data views or end date. Immutable fields and stamps are the change judge's
 * business; this is the rule about who may move whom where, and until when. Writing a member's
 * entry is managing them, whatever the write changes: an entry rewritten with the same role, data
 * views and end date (new stamps only) is still someone's entry, so it takes a Project Admin who
 * may manage that member. An end date is a Project Admin's to set, change or clear, like a role:
 * nobody extends their own access, and no admin sets one for another Project Admin.
 */
export function decideMemberChange(
	facts: ProjectFacts,
	actorId: string,
	member: Member,
	nextAssignment: Reassignment
): Decision {
	const input = readMember(member);
	if (!input.ok) return input;
	const nextInput = read(ReassignmentSchema, nextAssignment, 'change');
	if (!nextInput.ok) return nextInput;
	const target = input.value;
	const next = nextInput.value;
	const roleChanged = next.role !== target.role;
	const scopeChanged = !sameScope(next.scope, target.scope);
	const nextEnd = endsAtOf(next);
	const endChanged = nextEnd !== endsAtOf(target);
	const isSelf = actorId === target.accountId;
	const ended = accessNotEnded(facts, target);
	if (!ended.ok) return ended;
	if (!roleChanged && !scopeChanged && !endChanged)
		return decideRewrite(facts, actorId, target, isSelf);
	const stepsDown = isSelf && !scopeChanged && !endChanged && RANK[next.role] < RANK[target.role];
	const act = roleChanged
		? 'demote'
		: scopeChanged
			? 'change the data views of'
			: 'set an end date for';
	return firstDenial(
		() =>
			stepsDown
				? requireMember(facts, actorId)
				: endChanged
					? requireAdminForEndDate(facts, actorId, target)
					: requireAdmin(facts, actorId),
		() => protectOtherAdmins(actorId, target, act),
		() => keepOneAdmin(facts, target, next.role),
		() => (endChanged ? endDateInFuture(facts, nextEnd) : ALLOW),
		() => noEndForTheOnlyAdmin(facts, target, next),
		() => assignmentRules(facts, { ...next, zoneId: target.zoneId })
	);
}

/**
 * A member entry written back with its role and data views as they are: only its stamps change,
 * and stamps are no change of their own. A Project Admin may (it is how two admins making the same
 * change at once both succeed); anybody else has nothing to save, on their entry or another's.
 */
function decideRewrite(
	facts: ProjectFacts,
	actorId: string,
	target: Member,
	isSelf: boolean
): Decision {
	const admin = requireAdmin(facts, actorId);
	if (!admin.ok && admin.code === 'admin-only' && isSelf)
		return deny(
			'admin-only',
			'Your role and data views stay as they are: there is nothing to save.'
		);
	return firstDenial(
		() => admin,
		() => protectOtherAdmins(actorId, target, 'rewrite the entry of')
	);
}

function readMember(member: unknown): Read<Member> {
	return read(MemberSchema, member, 'member');
}

export function decideRemoval(facts: ProjectFacts, actorId: string, member: Member): Decision {
	const input = readMember(member);
	if (!input.ok) return input;
	const target = input.value;
	const leaves = actorId === target.accountId;
	return firstDenial(
		() => (leaves ? requireMember(facts, actorId) : requireAdmin(facts, actorId)),
		() => protectOtherAdmins(actorId, target, 'remove'),
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

export function decideJoinRequest(
	facts: ProjectFacts,
	requesterInput: Requester,
	roleInput: Role
): Decision {
	const input = read(RequesterSchema, requesterInput, 'requester');
	if (!input.ok) return input;
	const roleRead = read(RoleInputSchema, { role: roleInput }, 'request');
	if (!roleRead.ok) return roleRead;
	const requester = input.value;
	const { role } = roleRead.value;
	return firstDenial(
		() => checkRequester(facts, requester),
		() =>
			facts.member(requester.accountId)
				? deny(
						'already-member',
						`You are already a member of this project (${ROLE_LABELS[facts.member(requester.accountId)!.role]}).`
					)
				: ALLOW,
		() => assignmentRules(facts, { role, zoneId: requester.zoneId, scope: 'all' })
	);
}

export function decideSubscriptionRequest(facts: ProjectFacts, requester: Requester): Decision {
	const input = read(RequesterSchema, requester, 'requester');
	return input.ok ? checkRequester(facts, input.value) : input;
}

/** What a Project Admin decides: approve, or deny with a reason the requester is told. */
export type RequestDecision = Pick<AccessRequest, 'status' | 'decisionReason'>;

const RequestDecisionSchema = z.object({
	status: z.enum(['approved', 'denied'], { message: 'A decision approves or denies the request' }),
	decisionReason: z.string().max(500).nullable()
});

export function decideRequestDecision(
	facts: ProjectFacts,
	actorId: string,
	request: AccessRequest,
	decision: RequestDecision
): Decision {
	const requestInput = read(AccessRequestSchema, request, 'request');
	if (!requestInput.ok) return requestInput;
	const decisionInput = read(RequestDecisionSchema, decision, 'decision');
	if (!decisionInput.ok) return decisionInput;
	const { status, decisionReason } = decisionInput.value;
	return firstDenial(
		() => requireAdmin(facts, actorId),
		() =>
			requestInput.value.status === 'pending'
				? ALLOW
				: deny('request-decided', 'This request has already been decided.'),
		() =>
			status === 'denied' && !decisionReason?.trim()
				? deny('reason-required', 'Say why you deny the request: the requester is told.')
				: ALLOW
	);
}

/** The roles an actor may give a person of this zone here: what the UI offers. */
export function assignableRoles(
	facts: ProjectFacts,
	actorId: string,
	zoneId: string,
	scope: Scope
): Role[] {
	if (!requireAdmin(facts, actorId).ok) return [];
	return ROLES.filter((role) => checkAssignment(facts, { role, zoneId, scope }).ok);
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

/**
 * A Project Admin's new invitation as the console writes it: queued for the server to send, the
 * address in lower case, the data views its role and zone see by default.
 */
export function queuedInvite(
	facts: ProjectFacts,
	invitation: { id: string; email: string; role: Role; zoneId: string; endsAt?: number | null },
	invitedBy: string,
	invitedAt: number
): Invite {
	const { role, zoneId } = invitation;
	const scope = role === 'admin' ? 'all' : defaultScope(facts, zoneId);
	return newInvitation({ ...invitation, scope, invitedBy, invitedAt });
}
