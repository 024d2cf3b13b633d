/**
 * What a person reads when the sync layer reports on their changes, worded once, by the verdict's
 * reason code and the entry: which change (the member's name, the role, the invitation's
 * address, the board's name), why it was not saved (the person's own role as it stands, with who
 * changed it and when, if that is the reason), who changed the entry instead and when, and what
 * the person can do. The console and the embedded widget say the same. API failures are worded
 * in failure-wording.ts, emailed links' in token-errors.ts.
 */
import { formatDateTime } from './shared';
import { kindOf } from './console/workspace-kinds';
import {
	CLOSE,
	endsAtOf,
	isResendRequest,
	parseDocumentName,
	ROLE_LABELS,
	sameScope,
	type AccessRequest,
	type CloseReason,
	type Invite,
	type Member,
	type ReasonCode,
	type Role
} from './shared';
import type { ClosedCopy, LostChange, RefusedChange } from './sync/document-session';

/** What the device knows of the project a document belongs to, read when a notice is worded. */
export interface SyncWordingContext {
	/** The signed-in person's account id. */
	me: string;
	projectName: string | null;
	/** A member as this device knows them now. */
	member(accountId: string): Member | undefined;
	viewName(viewId: string): string | undefined;
}

export interface NoticeWords {
	title: string;
	message: string;
	/** What the person can do. */
	hint?: string;
}

export const NOT_SAVED = 'Not saved';
export const REPLACED = 'Replaced';

const ARTICLES: Record<Role, string> = { admin: 'a', analyst: 'an', consumer: 'a' };

function when(time: number): string {
	return formatDateTime(time);
}

function nameOfMember(member: Pick<Member, 'name' | 'email'>): string {
	return member.name || member.email;
}

/** A person by account id, in words: "you", their name, or "another member". */
function personName(context: SyncWordingContext, accountId: string | null | undefined): string {
	if (!accountId) return 'Someone';
	if (accountId === context.me) return 'You';
	const member = context.member(accountId);
	return member ? nameOfMember(member) : 'Another member';
}

/**
 * "Bo Admin changed it on 30 Nov 2026, 18:22": who wrote the entry last, when that was after our
 * own write (`since`, our stamp), or, not knowing when we wrote (a removal), when it was somebody
 * else than the member the entry is (whose stamp a new membership carries). Null otherwise, or
 * when the entry carries no stamps.
 */
function changedBy(context: SyncWordingContext, entry: unknown, since?: unknown): string | null {
	const stamps = entry as
		{ updatedBy?: unknown; updatedAt?: unknown; accountId?: unknown } | undefined;
	if (typeof stamps?.updatedBy !== 'string' || stamps.updatedBy === context.me) return null;
	const at = typeof stamps.updatedAt === 'number' ? stamps.updatedAt : null;
	const later =
		typeof since === 'number' ? at !== null && at > since : stamps.updatedBy !== stamps.accountId;
	if (!later) return null;
	return `${personName(context, stamps.updatedBy)} changed it${at === null ? '' : ` on ${when(at)}`}`;
}

/** Our own stamp on what we wrote. */
function ourStamp(attempted: unknown): unknown {
	return (attempted as { updatedAt?: unknown } | undefined)?.updatedAt;
}

function entryWord(root: string): string {
	if (root === 'lexicon') return 'Lexicon entry';
	if (root === 'lookupTables') return 'lookup table';
	return kindOf(root)?.singular ?? 'entry';
}

/** What the person had done, as a phrase that starts a sentence: "Making Nia Norberg Consumer". */
export function describeAttempt(
	root: string,
	attempted: unknown,
	current: unknown,
	context: SyncWordingContext
): string {
	if (root === 'members') return memberAttempt(attempted, current, context);
	if (root === 'invites') return inviteAttempt(attempted as Invite, current as Invite);
	if (root === 'requests') return requestAttempt(attempted as AccessRequest, current);
	const entry = (attempted ?? current) as { name?: unknown } | undefined;
	const named = typeof entry?.name === 'string' && entry.name ? ` “${entry.name}”` : '';
	const what = `the ${entryWord(root)}${named}`;
	if (attempted === undefined) return `Deleting ${what}`;
	if (current === undefined) return `Creating ${what}`;
	return `Changing ${what}`;
}

function memberAttempt(attempted: unknown, current: unknown, context: SyncWordingContext): string {
	const mine = attempted as Member | undefined;
	const theirs = current as Member | undefined;
	const target = mine ?? theirs;
	if (!target) return 'Your change to a member';
	const self = target.accountId === context.me;
	const name = self ? 'yourself' : nameOfMember(target);
	if (!mine) return self ? 'Leaving the project' : `Removing ${name} from the project`;
	if (!theirs || mine.role !== theirs.role)
		return self
			? `Changing your own role to ${ROLE_LABELS[mine.role]}`
			: `Making ${name} ${ROLE_LABELS[mine.role]}`;
	if (!sameScope(mine.scope, theirs.scope))
		return self ? 'Changing your own data views' : `Changing the data views of ${name}`;
	if (endsAtOf(mine) !== endsAtOf(theirs))
		return self ? 'Changing when your own access ends' : `Changing when the access of ${name} ends`;
	return self ? 'Changing your own entry' : `Changing the entry of ${name}`;
}

function inviteAttempt(attempted: Invite | undefined, current: Invite | undefined): string {
	const invite = attempted ?? current;
	if (!invite) return 'Your change to an invitation';
	if (!attempted) return `Revoking the invitation of ${invite.email}`;
	if (!current) return `Inviting ${invite.email} as ${ROLE_LABELS[invite.role]}`;
	if (isResendRequest(current, attempted)) return `Resending the invitation to ${invite.email}`;
	return `Changing the invitation of ${invite.email}`;
}

function requestAttempt(attempted: AccessRequest | undefined, current: unknown): string {
	const request = attempted ?? (current as AccessRequest | undefined);
	if (!request) return 'Your change to a request';
	const whose = `${request.requesterName || request.requesterEmail}’s request`;
	if (!attempted) return `Deleting ${whose}`;
	if (attempted.status === 'approved') return `Approving ${whose}`;
	if (attempted.status === 'denied') return `Denying ${whose}`;
	return `Changing ${whose}`;
}

/**
 * Reasons that refuse by the author's role, whoever's the entry is: a cell of the matrix that says
 * No (or For self only, of a shared item) for the role, or a Project Admin's right over others'
 * boards and lookup tables. A role the person no longer has explains them.
 */
const REFUSED_BY_ROLE: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
	'role-not-permitted',
	'self-only',
	'creator-or-admin'
]);

/**
 * Why the person's own standing refused the change, when it did: their role as it stands now,
 * and who changed it and when. Null when their role is what it was (the reason is the entry's).
 */
function ownStanding(context: SyncWordingContext, code: ReasonCode, since: unknown): string | null {
	const byRole = REFUSED_BY_ROLE.has(code);
	if (code !== 'admin-only' && code !== 'not-a-member' && !byRole) return null;
	const me = context.member(context.me);
	const project = context.projectName ?? 'this project';
	if (!me) return `You are no longer a member of ${project}.`;
	const role = ROLE_LABELS[me.role];
	// The person could make the change when they wrote it (the console offers only what the
	// policy allows): their role explains the refusal only if it changed after they wrote.
	if (byRole && !(typeof since === 'number' && me.updatedAt > since)) return null;
	if (me.updatedBy === context.me) return `You are ${ARTICLES[me.role]} ${role} in ${project} now.`;
	return `${personName(context, me.updatedBy)} made you ${role} in ${project} on ${when(me.updatedAt)}.`;
}

/** What the entry holds now, when somebody else's change explains the refusal. */
function entryNow(
	root: string,
	attempted: unknown,
	current: unknown,
	context: SyncWordingContext
): string | null {
	const since = ourStamp(attempted);
	if (root === 'members') {
		const member = current as Member | undefined;
		if (!member) return null;
		const by = changedBy(context, member, since);
		return `${nameOfMember(member)} is ${ROLE_LABELS[member.role]}${by ? ` (${by})` : ''}.`;
	}
	if (root === 'requests') {
		const request = current as AccessRequest | undefined;
		if (!request || request.status === 'pending' || !request.decidedBy) return null;
		const at = request.decidedAt === null ? '' : ` on ${when(request.decidedAt)}`;
		return `${personName(context, request.decidedBy)} ${request.status} it${at}.`;
	}
	const by = changedBy(context, current, since);
	return by ? `${by}.` : null;
}

/** What the person can do about a refusal, by its reason. */
function whatToDo(code: ReasonCode, refused: RefusedChange, context: SyncWordingContext): string {
	switch (code) {
		case 'admin-only':
		case 'role-not-permitted':
		case 'creator-only':
		case 'creator-or-admin':
		case 'self-only':
		case 'not-available':
			return 'Ask a Project Admin if the change is still needed.';
		case 'not-a-member':
			return 'Ask a Project Admin of the project to add you again if you need to work in it.';
		case 'admin-protected': {
			const target = (refused.current ?? refused.attempted) as Member | undefined;
			return `Only ${target ? nameOfMember(target) : 'that Project Admin'} can step down; ask them if the change is still needed.`;
		}
		case 'last-admin':
			return 'Make someone else Project Admin first.';
		case 'already-member':
		case 'invite-accepted':
			return 'Nothing to do: they are in the Users list.';
		case 'request-decided':
			return 'Nothing to do: the request has been decided.';
		case 'end-date-past':
			return 'Choose a later end date.';
		case 'access-ended':
			return 'Invite them again if they still need access.';
		case 'reason-required':
			return 'Deny it again and say why: the requester is told.';
		case 'not-checked':
			return 'Try again in a moment.';
		case 'unknown-role':
		case 'unknown-action':
		case 'invalid-entry':
		case 'server-only':
		case 'key-mismatch':
		case 'immutable-field':
		case 'author-mismatch':
			return 'Reload the page and make the change again.';
		default:
			return context.member(context.me)?.role === 'admin'
				? 'Choose another role or data view: the menus say which ones are possible and why.'
				: 'Ask a Project Admin if the change is still needed.';
	}
}

/** A change of the person's that the server refused. */
export function describeRefusal(refused: RefusedChange, context: SyncWordingContext): NoticeWords {
	const { rejection } = refused;
	const attempt = rejection.root
		? describeAttempt(rejection.root, refused.attempted, refused.current, context)
		: 'Your change';
	const standing = ownStanding(context, rejection.code, ourStamp(refused.attempted));
	const now = standing
		? null
		: entryNow(rejection.root, refused.attempted, refused.current, context);
	const reason = standing ?? `${rejection.message}${now ? ` ${now}` : ''}`;
	return {
		title: NOT_SAVED,
		message: `${attempt}. ${reason}`,
		hint: whatToDo(rejection.code, refused, context)
	};
}

/** A change of the person's that somebody else's later change replaced. */
export function describeLoss(change: LostChange, context: SyncWordingContext): NoticeWords {
	const attempt = describeAttempt(change.root, change.attempted, change.winner, context);
	let now: string;
	if (change.winner === undefined) {
		now =
			change.root === 'members'
				? 'Someone removed them from the project since.'
				: 'Someone deleted it since.';
	} else {
		const by =
			changedBy(context, change.winner, ourStamp(change.attempted)) ?? 'Someone changed it since';
		const member = change.root === 'members' ? (change.winner as Member) : null;
		now = member
			? `${by}: ${nameOfMember(member)} is ${ROLE_LABELS[member.role]} now.`
			: `${by}, and their change stands.`;
	}
	return {
		title: REPLACED,
		message: `${attempt}. ${now}`,
		hint: 'Make your change again if it should stand.'
	};
}

/** What a document is, for the person: "Northern Lights Analytics", "the data view Aurora". */
function placeOf(document: string, context: SyncWordingContext): string {
	const name = parseDocumentName(document);
	const project = context.projectName ?? 'this project';
	if (name?.kind === 'view' || name?.kind === 'private') {
		const view = context.viewName(name.viewId);
		return view ? `the data view ${view} of ${project}` : `a data view of ${project}`;
	}
	return project;
}

export interface CloseWords extends NoticeWords {
	tone: 'info' | 'warning' | 'error';
	/** The person lost access to what the document holds (not merely a reset or a fault). */
	accessLost: boolean;
}

/**
 * The server closed a document for good, or reset it. Null when there is nothing to tell: the
 * page says it (a project or view the person may not open, and had no copy of), or the session
 * ended (the person is sent to sign in). Changes that went with the copy are `describeUnsent`'s.
 */
export function describeClose(
	document: string,
	reason: CloseReason,
	copy: ClosedCopy,
	context: SyncWordingContext
): CloseWords | null {
	const place = placeOf(document, context);
	const kind = parseDocumentName(document)?.kind;
	switch (reason.code) {
		case CLOSE.unauthenticated.code:
			return null;
		case CLOSE.forbidden.code:
		case CLOSE.unknownDocument.code:
		case CLOSE.accessRevoked.code:
			if (!copy.hadCopy || kind === 'user' || kind === 'private') return null;
			return {
				tone: 'warning',
				accessLost: true,
				title: 'Access removed',
				message: `${kind === 'project' ? 'You no longer have access to' : 'You no longer see'} ${place}. Its copy on this device was deleted.`,
				hint: 'Ask a Project Admin if you still need it.'
			};
		case CLOSE.resetRequired.code:
			return {
				tone: 'info',
				accessLost: false,
				title: 'Reloaded',
				message: `Your copy of ${place} could not be reconciled and was reloaded from the server.`
			};
		default:
			return {
				tone: 'error',
				accessLost: false,
				title: 'Sync stopped',
				message: `${reason.reason}.`,
				hint: 'Reload the page to try again.'
			};
	}
}

/** Changes that had not reached the server when the server closed or reset the document. */
export function describeUnsent(
	document: string,
	reason: CloseReason,
	unsent: number,
	context: SyncWordingContext
): NoticeWords {
	const changes = unsent === 1 ? 'A change' : `${unsent.toLocaleString()} changes`;
	const why =
		reason.code === CLOSE.resetRequired.code
			? 'your copy had to be reloaded from the server'
			: 'you no longer have access there';
	return {
		title: NOT_SAVED,
		message: `${changes} you made in ${placeOf(document, context)} had not reached the server, and ${why}.`,
		hint:
			reason.code === CLOSE.resetRequired.code
				? 'Make them again if they are still needed.'
				: 'Ask a Project Admin to make them if they are still needed.'
	};
}
