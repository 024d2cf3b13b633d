/**
 * How an invitation's state reads in the Invited Users list, and which invitations the list holds:
 * the ones still waiting for their person. An accepted invitation leaves it (and its count): its
 * person is in Users now, and the project document keeps the entry as the record.
 */
import { isInviteExpired, isOpenInvitation, type Invite, type OpenInvite } from '$lib/shared';

/** The invitations Invited Users lists, newest first. */
export function openInvites(invites: Iterable<Invite>): OpenInvite[] {
	return [...invites].filter(isOpenInvitation).sort((a, b) => b.invitedAt - a.invitedAt);
}

export type InviteStatusTone = 'primary' | 'success' | 'warning' | 'danger' | 'neutral';

export interface InviteStatusView {
	label: string;
	tone: InviteStatusTone;
	/** A sentence that explains the state, e.g. why sending failed. */
	detail: string | null;
}

export function describeInviteStatus(
	invite: Pick<OpenInvite, 'status' | 'expiresAt' | 'failure'>,
	now: number,
	offline: boolean
): InviteStatusView {
	if (isInviteExpired(invite, now)) {
		return {
			label: 'Expired',
			tone: 'warning',
			detail: 'Resend the invitation to send a new link.'
		};
	}
	switch (invite.status) {
		case 'queued':
			return offline
				? {
						label: 'Queued — offline',
						tone: 'warning',
						detail: 'It is sent when this browser is back online.'
					}
				: { label: 'Queued', tone: 'neutral', detail: 'The server sends it in a moment.' };
		case 'sent':
			return { label: 'Sent', tone: 'primary', detail: null };
		case 'failed':
			return {
				label: 'Failed',
				tone: 'danger',
				detail: invite.failure ?? 'The email could not be sent.'
			};
	}
}
