/**
 * An invitation's whole life in one place: its states, who may move it from which state to which,
 * and one pure function for each move and each question. A Project Admin's console writes the
 * client's moves into the project document (offline too); the policy lets a client make those and
 * no others (`decideClientInvitationMove`); the server makes its own moves with the functions here,
 * after it has accepted a client's change or when an invitee accepts. The entry's shape is
 * `InviteSchema` (membership.ts); docs/workflows.md shows the table.
 */
import { INVITE_STATUSES, InviteSchema, type Invite, type InviteStatus } from './membership';
import { ALLOW, deny, firstDenial, type Decision } from './policy/decision';
import type { ProjectFacts } from './policy/facts';
import { sameValue } from './policy/values';

/** Waiting for its person: not accepted yet (sent, perhaps expired; queued; failed). */
export const OPEN_STATUSES = [
	'queued',
	'sent',
	'failed'
] as const satisfies readonly InviteStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export type OpenInvite = Invite & { status: OpenStatus };

/** Where an invitation is: one of its states, or not in the document (not made yet, or revoked). */
export type InvitationPlace = InviteStatus | 'none';

export interface InvitationMove {
	/** `client`: a Project Admin's console; `server`: the server, on its own authority. */
	by: 'client' | 'server';
	from: readonly InvitationPlace[];
	/** `same`: the state stays (a resend asks for one more sending and keeps it). */
	to: InvitationPlace | 'same';
}

/**
 * Who may move an invitation from which state to which. Nothing moves an accepted invitation but
 * a revocation: it stays as the record of how its person joined. (The console offers Revoke only
 * for open invitations; the policy lets a Project Admin delete an accepted one.)
 */
export const INVITATION_MOVES = {
	invite: { by: 'client', from: ['none'], to: 'queued' },
	resend: { by: 'client', from: OPEN_STATUSES, to: 'same' },
	revoke: { by: 'client', from: INVITE_STATUSES, to: 'none' },
	send: { by: 'server', from: OPEN_STATUSES, to: 'sent' },
	copyLink: { by: 'server', from: OPEN_STATUSES, to: 'sent' },
	fail: { by: 'server', from: OPEN_STATUSES, to: 'failed' },
	accept: { by: 'server', from: OPEN_STATUSES, to: 'accepted' },
	inviteFirstAdmin: { by: 'server', from: ['none'], to: 'sent' }
} as const satisfies Record<string, InvitationMove>;
export type InvitationMoveName = keyof typeof INVITATION_MOVES;

export function mayMove(move: InvitationMoveName, from: InvitationPlace): boolean {
	return (INVITATION_MOVES[move].from as readonly InvitationPlace[]).includes(from);
}

/**
 * What becomes of the Accept Invite links already mailed: a new sending, or a link copied by hand,
 * supersedes them (they then say that a newer invitation replaced them), revoking withdraws them.
 */
export const RETIRED_LINKS = { bySending: 'superseded', byRevoking: 'withdrawn' } as const;

// ---- the moves ------------------------------------------------------------------------------

export interface InvitationRequest {
	id: string;
	email: string;
	role: Invite['role'];
	zoneId: string;
	scope: Invite['scope'];
	invitedBy: string;
	invitedAt: number;
	/** When the membership it offers ends; none when absent. */
	endsAt?: number | null;
}

/** A new invitation: queued, asked to be sent once, nothing sent yet. */
export function newInvitation(request: InvitationRequest): Invite {
	return {
		id: request.id,
		email: request.email.toLowerCase(),
		role: request.role,
		zoneId: request.zoneId,
		scope: request.scope,
		invitedBy: request.invitedBy,
		invitedAt: request.invitedAt,
		endsAt: request.endsAt ?? null,
		sendRequests: 1,
		status: 'queued',
		sentAt: null,
		expiresAt: null,
		acceptedAt: null,
		failure: null
	};
}

/** Resend Invitation: one more sending asked for; the server sends a fresh link. */
export function withResendRequested(invite: Invite): Invite {
	return { ...invite, sendRequests: invite.sendRequests + 1 };
}

/** Mailed an Accept Invite link that expires at `expiresAt`; an earlier failure is over. */
export function sentInvitation(invite: Invite, sentAt: number, expiresAt: number): Invite {
	return { ...invite, status: 'sent', sentAt, expiresAt, failure: null };
}

/** Not sent, and why; a link sent earlier still works, so its dates stay. */
export function failedInvitation(invite: Invite, failure: string): Invite {
	return { ...invite, status: 'failed', failure };
}

/** Its person is a member now (by the link, or at once because they had an account). */
export function acceptedInvitation(invite: Invite, at: number): Invite {
	return { ...invite, status: 'accepted', acceptedAt: at };
}

// ---- the questions --------------------------------------------------------------------------

export function isOpenInvitation(invite: Invite): invite is OpenInvite {
	return (OPEN_STATUSES as readonly InviteStatus[]).includes(invite.status);
}

/** Why an address needs no new invitation here, as Invite Users and a CSV file's preview say it. */
export interface InvitedOrMember {
	why: 'member' | 'invited';
	message: string;
}

/** The open invitation of each address (the newest, should an address have two). */
export function openInvitationsByEmail(invites: Iterable<Invite>): Map<string, OpenInvite> {
	const byEmail = new Map<string, OpenInvite>();
	for (const invite of invites) {
		if (!isOpenInvitation(invite)) continue;
		const known = byEmail.get(invite.email);
		if (!known || known.invitedAt < invite.invitedAt) byEmail.set(invite.email, invite);
	}
	return byEmail;
}

/**
 * Nothing to send to this address: its person is a member already, or an invitation still waits
 * for them (a second one would only retire the first one's link; Resend Invitation is for that).
 * Null when it may be invited.
 */
export function invitedOrMember(
	facts: Pick<ProjectFacts, 'memberByEmail'>,
	openInvitations: ReadonlyMap<string, OpenInvite>,
	email: string
): InvitedOrMember | null {
	if (facts.memberByEmail(email))
		return { why: 'member', message: `${email} is already a member of this project.` };
	if (openInvitations.has(email))
		return {
			why: 'invited',
			message: `${email} is already invited: use Resend Invitation in Invited Users.`
		};
	return null;
}

/** Sent, and its link has expired: only a resend can bring its person in now. */
export function isInviteExpired(
	invite: Pick<Invite, 'status' | 'expiresAt'>,
	now: number
): boolean {
	return invite.status === 'sent' && invite.expiresAt !== null && invite.expiresAt <= now;
}

/** Exactly what `newInvitation` makes: what a client may add to the document. */
export function isNewInvitation(invite: Invite): boolean {
	return (
		invite.status === 'queued' &&
		invite.sentAt === null &&
		invite.expiresAt === null &&
		invite.acceptedAt === null &&
		invite.failure === null &&
		invite.sendRequests === 1
	);
}

/**
 * Whether the change asks for the invitation to be sent again. The policy lets a client ask for
 * exactly one more sending at a time; the server, the console and the audit log read any growth
 * as a resend (a refused attempt too).
 */
export function isResendRequest(before: Invite, after: Invite): boolean {
	return after.sendRequests > before.sendRequests;
}

/** Whether the server is to send the invitation after this accepted change: new, or resent. */
export function asksToBeSent(before: Invite | undefined, after: Invite | undefined): boolean {
	return after !== undefined && (before === undefined || isResendRequest(before, after));
}

// ---- the client's moves, as the policy judges them -----------------------------------------

/** Every field but `sendRequests`: a resend keeps them, and only the server moves them. */
const KEPT_BY_A_RESEND = (Object.keys(InviteSchema.shape) as (keyof Invite)[]).filter(
	(field) => field !== 'sendRequests'
);

/**
 * Whether this is one of the client's moves, made from a state the table allows it from: an
 * invitation made as `newInvitation` makes it, a resend, or a revocation. Who may make them
 * (Project Admins, within the zone rules) is the rest of the policy's (policy/changes.ts).
 */
export function decideClientInvitationMove(
	before: Invite | undefined,
	after: Invite | undefined
): Decision {
	if (before === undefined)
		return after !== undefined && isNewInvitation(after)
			? ALLOW
			: deny('server-only', 'A new invitation is queued; the server sends it and records when.');
	if (after === undefined)
		return mayMove('revoke', before.status)
			? ALLOW
			: deny('invite-accepted', 'This invitation was already accepted.');
	return firstDenial(
		() => {
			const field = KEPT_BY_A_RESEND.find((name) => !sameValue(before[name], after[name]));
			return field === undefined
				? ALLOW
				: deny('immutable-field', `The ${field} of an invitation cannot be changed here.`);
		},
		() =>
			mayMove('resend', before.status)
				? ALLOW
				: deny('invite-accepted', 'This invitation was already accepted.'),
		() =>
			after.sendRequests === withResendRequested(before).sendRequests
				? ALLOW
				: deny('invalid-entry', 'Resend Invitation asks for exactly one more sending.')
	);
}
