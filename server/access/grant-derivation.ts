/**
 * How a membership began, read from what the audit log recorded of the member (see
 * server/audit/history.ts): the step that added their member entry, and what that step or the
 * one before it did.
 * - The step also accepted an invitation of their address: they came by that invitation. If it
 *   had never been mailed (no `sentAt` before), their address had an account and they were added
 *   at once ("existing user"); otherwise they accepted the link. The inviter is the author of the
 *   step that made the invitation, when it was made.
 * - A Project Admin approved their join request since their previous membership change: the
 *   server adds an approved requester in reaction to that step, so the approver is its author.
 * - Otherwise whoever made the step added them outright; the server (author null) is the
 *   consortium office (`npm run admin`, the demo).
 * Nothing recorded of the add (a member from before the audit log): `unrecorded`, since their
 * join date. The role's and data views' last changes since the add are kept beside the path.
 *
 * The same reading serves the listener (just after the audit log recorded the step) and the
 * backfill of older memberships, so both say the same thing of the same history.
 */
import {
	OFFICE_INVITER,
	readStoredEntry,
	sameScope,
	type AccessPathKind,
	type AccessRequest,
	type Invite,
	type Member
} from '../../src/lib/shared';
import type { LoggedChange } from '../audit/history';

export interface GrantRecord {
	path: AccessPathKind;
	/** The inviter, approver or adder; null: the consortium office (or, `unrecorded`, nobody known). */
	grantedBy: string | null;
	askedAt: number | null;
	grantedAt: number | null;
	roleSetBy: string | null;
	roleSetAt: number | null;
	viewsSetBy: string | null;
	viewsSetAt: number | null;
}

export function grantFromHistory(
	member: Member,
	about: readonly LoggedChange[],
	invitationsOf: (email: string) => readonly LoggedChange[]
): GrantRecord {
	const memberChanges = about.filter((change) => change.root === 'members');
	const addIndex = findLastIndex(memberChanges, (change) => change.change === 'add');
	const add = memberChanges[addIndex];
	const since = laterChanges(memberChanges.slice(addIndex + 1));
	if (!add)
		return {
			path: 'unrecorded',
			grantedBy: null,
			askedAt: null,
			grantedAt: member.joinedAt,
			...since
		};
	const previous = addIndex > 0 ? memberChanges[addIndex - 1]!.id : 0;
	return {
		// The address as it was when they were added: it may have changed since.
		...(byInvitation(add, invitationsOf(memberEntry(add, 'after')?.email ?? member.email)) ??
			byApprovedRequest(add, previous, about) ?? {
				path: 'direct',
				grantedBy: add.authorId,
				askedAt: null
			}),
		grantedAt: add.at,
		...since
	};
}

/**
 * The record once one more change of the member entry, not its add, is logged: how the membership
 * began stays, and the change may be the role's or the data views' latest. The same as reading
 * the whole history again (`grantFromHistory`), without reading it: a member's history only grows.
 */
export function grantAfter(record: GrantRecord, change: LoggedChange): GrantRecord {
	return { ...record, ...laterChanges([change], record) };
}

type Beginning = Pick<GrantRecord, 'path' | 'grantedBy' | 'askedAt'>;

function byInvitation(add: LoggedChange, invitations: readonly LoggedChange[]): Beginning | null {
	const acceptance = invitations.find(
		(change) =>
			change.at === add.at &&
			change.authorId === add.authorId &&
			invite(change, 'before')?.status !== 'accepted' &&
			invite(change, 'after')?.status === 'accepted'
	);
	if (!acceptance) return null;
	const accepted = invite(acceptance, 'after')!;
	const made = invitations.find(
		(change) => change.key === acceptance.key && change.change === 'add'
	);
	const mailed = invite(acceptance, 'before')?.sentAt != null;
	return {
		path: mailed ? 'invitation' : 'existing-account',
		// An invitation logged before the audit log existed: its own stamps are all there is.
		grantedBy: made ? made.authorId : officeOr(accepted.invitedBy),
		askedAt: made ? made.at : accepted.invitedAt
	};
}

function byApprovedRequest(
	add: LoggedChange,
	previousMemberChange: number,
	about: readonly LoggedChange[]
): Beginning | null {
	const approval = about.findLast(
		(change) =>
			change.root === 'requests' &&
			change.id > previousMemberChange &&
			change.id < add.id &&
			request(change, 'before')?.status === 'pending' &&
			request(change, 'after')?.status === 'approved' &&
			request(change, 'after')?.kind === 'join'
	);
	if (!approval) return null;
	const asked = about.find((change) => change.key === approval.key && change.change === 'add');
	return {
		path: 'request',
		grantedBy: approval.authorId,
		askedAt: asked ? asked.at : request(approval, 'after')!.createdAt
	};
}

/** The last change of the role and of the data views among these changes of the member entry. */
type LaterChanges = Pick<GrantRecord, 'roleSetBy' | 'roleSetAt' | 'viewsSetBy' | 'viewsSetAt'>;

function laterChanges(
	changes: readonly LoggedChange[],
	earlier: LaterChanges = { roleSetBy: null, roleSetAt: null, viewsSetBy: null, viewsSetAt: null }
): LaterChanges {
	const since = { ...earlier };
	for (const change of changes) {
		const before = memberEntry(change, 'before');
		const after = memberEntry(change, 'after');
		if (!before || !after) continue;
		if (before.role !== after.role) {
			since.roleSetBy = change.authorId;
			since.roleSetAt = change.at;
		}
		if (!sameScope(before.scope, after.scope)) {
			since.viewsSetBy = change.authorId;
			since.viewsSetAt = change.at;
		}
	}
	return since;
}

/** The office's own invitations name it as their inviter; it is nobody's account. */
function officeOr(accountId: string): string | null {
	return accountId === OFFICE_INVITER ? null : accountId;
}

/** A logged value read by its root's schema, as the policy reads stored entries. */
function entry<T>(
	root: 'members' | 'invites' | 'requests',
	change: LoggedChange,
	side: 'before' | 'after'
): T | undefined {
	const value = change[side];
	return value === undefined
		? undefined
		: (readStoredEntry('project', root, change.key, value) as T | undefined);
}

const memberEntry = (change: LoggedChange, side: 'before' | 'after') =>
	entry<Member>('members', change, side);
const invite = (change: LoggedChange, side: 'before' | 'after') =>
	entry<Invite>('invites', change, side);
const request = (change: LoggedChange, side: 'before' | 'after') =>
	entry<AccessRequest>('requests', change, side);

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
	for (let index = items.length - 1; index >= 0; index--) if (test(items[index]!)) return index;
	return -1;
}
