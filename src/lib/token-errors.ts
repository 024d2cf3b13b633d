/**
 * What a person reads when an emailed link cannot be used, by the server's error code. The codes
 * are the API's (`token-invalid`, `token-expired`, `token-used`, and for invitations what became
 * of the invitation); the words depend on the link.
 */
import { type ApiFailure } from './api';
import { describeFailure } from './failure-wording';

export type LinkKind = 'sign-in' | 'invite' | 'password-reset' | 'email-change';

type TokenCode = 'token-invalid' | 'token-expired' | 'token-used';
type InvitationCode = 'invite-superseded' | 'invite-revoked' | 'invite-accepted' | 'access-ended';

const MESSAGES: Record<LinkKind, Record<TokenCode, string>> & {
	invite: Record<InvitationCode, string>;
} = {
	'sign-in': {
		'token-invalid': 'This sign-in link is not valid. Ask for a new one.',
		'token-expired': 'This sign-in link has expired. Ask for a new one.',
		'token-used': 'This sign-in link was already used. Ask for a new one.'
	},
	invite: {
		'token-invalid':
			'This invitation link is not valid. Check that you opened the whole link from the email.',
		'token-expired': 'This invitation has expired. Ask the person who invited you to resend it.',
		'token-used': 'This invitation was already accepted. Sign in to open the project.',
		'invite-superseded':
			'The invitation was sent again, with a new link, and this one no longer works. Open the Accept Invite link in the newest invitation email.',
		'invite-revoked':
			'The person who invited you withdrew this invitation. Ask them for a new one if you still need access.',
		'invite-accepted': 'This invitation was already accepted. Sign in to open the project.',
		'access-ended':
			'The access this invitation offered has already ended. Ask the person who invited you for a new invitation if you still need it.'
	},
	'password-reset': {
		'token-invalid': 'This password link is not valid. Ask for a new one.',
		'token-expired': 'This password link has expired. Ask for a new one.',
		'token-used': 'This password link was already used. Ask for a new one.'
	},
	'email-change': {
		'token-invalid':
			'This confirmation link is not valid. Change your email again to get a new one.',
		'token-expired':
			'This confirmation link has expired. Change your email again to get a new one.',
		'token-used': 'This confirmation link was already used.'
	}
};

/** Whether the link can never work again, so that offering to retry would only frustrate. */
export function isDeadLink(failure: ApiFailure): boolean {
	return failure.code in MESSAGES.invite;
}

export function describeLinkFailure(kind: LinkKind, failure: ApiFailure): string {
	const messages: Record<string, string> = MESSAGES[kind];
	return messages[failure.code] ?? describeFailure(failure);
}
