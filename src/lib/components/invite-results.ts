/**
 * What became of the invitations Invite Users just wrote, once the server has handled each: sent
 * with an Accept Invite link, or its person added at once (they had an account), or not sent (a
 * sending limit), or refused. The inviter is told that, not "N invitations sent": a person added
 * was not invited, and one refused was neither.
 */
import type { Invite } from '$lib/shared';
import type { NoticeTone } from './notice-types';

export type InviteResult = 'waiting' | 'invited' | 'added' | 'not-sent' | 'refused';

/**
 * The result of one invitation as the project document shows it. `written` says whether it was
 * ever seen there: one that was and is gone was refused (the server reverted it) or revoked.
 */
export function resultOf(invite: Invite | undefined, written: boolean): InviteResult {
	if (!invite) return written ? 'refused' : 'waiting';
	switch (invite.status) {
		case 'queued':
			return 'waiting';
		case 'sent':
			return 'invited';
		case 'accepted':
			return 'added';
		case 'failed':
			return 'not-sent';
	}
}

function count(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

/** The sentence for the whole batch once every invitation has a result, else null. */
export function describeInviteResults(
	results: readonly InviteResult[],
	projectName: string
): { tone: NoticeTone; message: string } | null {
	if (results.length === 0 || results.includes('waiting')) return null;
	const n = (result: InviteResult) => results.filter((each) => each === result).length;
	const parts: string[] = [];
	const added = n('added');
	if (added > 0)
		parts.push(
			added === 1
				? `added 1 person who already had an account to ${projectName}`
				: `added ${added} people who already had accounts to ${projectName}`
		);
	const invited = n('invited');
	if (invited > 0) parts.push(`sent ${count(invited, 'invitation', 'invitations')}`);
	const notSent = n('not-sent');
	if (notSent > 0)
		parts.push(
			`${count(notSent, 'invitation was', 'invitations were')} not sent (Invited Users says why)`
		);
	const refused = n('refused');
	if (refused > 0) parts.push(`${count(refused, 'was', 'were')} refused`);
	const sentence = parts.join('; ');
	return {
		tone: notSent + refused > 0 ? 'warning' : 'success',
		message: `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`
	};
}

/** What the inviter is told at once when the invitations wait for this browser to be online. */
export function describeQueuedInvites(count: number): string {
	return count === 1
		? 'The invitation is queued. When you are back online it is sent, or its person added at once if they already have an account.'
		: `${count} invitations are queued. When you are back online each is sent, or its person added at once if they already have an account.`;
}
