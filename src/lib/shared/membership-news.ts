/**
 * What a member is told when somebody else changed their membership: removed from a project,
 * given another role, moved out of data views. Worded once, here: the server writes it into the
 * member's user document (the console shows it) and mails it; the embedded widget, which has no
 * user document, words what it sees happen to the person in the project document.
 */
import { formatEndDate } from './access-ends';
import { listOf } from './human-format';
import { endsAtOf, type Member } from './membership';
import { viewChanges } from './policy/access-preview';
import type { DataView } from './project';
import { parseRole, ROLE_LABELS, type Role } from './roles';

export type MembershipNewsKind =
	'removed-from-project' | 'role-changed' | 'views-changed' | 'end-date-changed';

export interface MembershipNews {
	kind: MembershipNewsKind;
	/** What happened, who did it, and what it means for the person. */
	text: string;
	/** The same, short: a mail's subject. */
	subject: string;
}

export interface MembershipChange {
	/** Who did it: a member's name, or null for a change the server made (the operators). */
	actorName: string | null;
	/** The portal the change came through ("Ada via Staff Portal"), if any. */
	portalName?: string | null;
	projectName: string;
	before: Pick<Member, 'role' | 'scope' | 'endsAt'>;
	/** Null: removed from the project. */
	after: Pick<Member, 'role' | 'scope' | 'endsAt'> | null;
	/** The removal was the server ending the access on its end date (`endedAsPlanned`). */
	ended?: boolean;
	/** The project's data views, to name the ones the person no longer sees. */
	views: readonly Pick<DataView, 'id' | 'name'>[];
}

/** Who did it, as the audit log says it. */
function actor({ actorName, portalName }: MembershipChange): string {
	if (actorName === null) return 'The consortium’s operators';
	return portalName ? `${actorName} via ${portalName}` : actorName;
}

/** What a role change means for what the person can do. */
function consequence(from: Role, to: Role): string {
	if (from === 'admin') return 'You no longer manage the project’s users.';
	if (to === 'admin') return 'You now manage the project’s users and see every data view.';
	if (to === 'consumer')
		return 'You can view reports and boards, but no longer change shared data.';
	return 'You can now create and edit reports.';
}

/** The data views of `before` that `after` leaves out, by name. */
function viewsLeft(change: MembershipChange): string[] {
	if (!change.after) return [];
	return viewChanges(change.views, change.before, change.after).lost.map((view) => view.name);
}

/**
 * The news of a change to someone's membership, or null when there is none to tell: nothing
 * they would notice changed (a new name, stamps), or they only gained data views.
 */
export function membershipNews(change: MembershipChange): MembershipNews | null {
	const who = actor(change);
	const project = change.projectName;
	if (!change.after && change.ended) {
		const day = formatEndDate(endsAtOf(change.before)!);
		return {
			kind: 'removed-from-project',
			subject: `Your access to ${project} has ended`,
			text: `Your access to ${project} ended on ${day}, as planned. It is no longer in your project drop-down; if you still need it, ask a Project Admin of the project to invite you again.`
		};
	}
	if (!change.after) {
		return {
			kind: 'removed-from-project',
			subject: `You were removed from ${project}`,
			text: `${who} removed you from ${project}. It is no longer in your project drop-down.`
		};
	}
	const from = parseRole(change.before.role) ?? change.before.role;
	const to = parseRole(change.after.role) ?? change.after.role;
	const left = viewsLeft(change);
	const noLonger =
		left.length === 0
			? ''
			: ` You no longer see the data ${left.length === 1 ? 'view' : 'views'} ${listOf(left)}.`;
	const end = endDateNews(change);
	if (from !== to) {
		return {
			kind: 'role-changed',
			subject: `Your role in ${project} is now ${ROLE_LABELS[to]}`,
			text: `${who} changed your role in ${project} from ${ROLE_LABELS[from]} to ${ROLE_LABELS[to]}. ${consequence(from, to)}${noLonger}${end ? ` ${end.aside}` : ''}`
		};
	}
	if (end && left.length === 0)
		return { kind: 'end-date-changed', subject: end.subject, text: end.text };
	if (left.length === 0) return null;
	return {
		kind: 'views-changed',
		subject: `Your data views in ${project} changed`,
		text: `${who} changed your data views in ${project}.${noLonger}`
	};
}

/**
 * What a changed end date means for the person: said alone (`subject`, `text`), or beside a role
 * change (`aside`). Null when the end date stayed. The server clears the end date of a project's
 * last Project Admin when it comes, rather than leave the project without one.
 */
function endDateNews(
	change: MembershipChange
): { subject: string; text: string; aside: string } | null {
	const before = endsAtOf(change.before);
	const after = change.after ? endsAtOf(change.after) : null;
	if (before === after) return null;
	const project = change.projectName;
	if (after !== null) {
		const day = formatEndDate(after);
		return {
			subject: `Your access to ${project} now ends on ${day}`,
			text: `${actor(change)} set your access to ${project} to end on ${day}. You are reminded a week and a day before.`,
			aside: `Your access ends on ${day}.`
		};
	}
	if (change.actorName === null)
		return {
			subject: `Your access to ${project} continues`,
			text: `Your access to ${project} was to end on ${formatEndDate(before!)}, but you are its last Project Admin, so it continues. Make someone else Project Admin before you go.`,
			aside: 'Your access no longer ends.'
		};
	return {
		subject: `Your access to ${project} no longer ends`,
		text: `${actor(change)} removed the end date of your access to ${project}: it no longer ends.`,
		aside: 'Your access no longer ends.'
	};
}
