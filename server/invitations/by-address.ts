/**
 * The open invitations of an address, found from their Accept Invite links (SQL `tokens`: a live
 * link names its invitation and project), each confirmed open in its project document. A person
 * who signs in through their zone's identity provider joins every project that invited them, as
 * a person with an account joins at once when invited (server/invitations/sending.ts).
 */
import { endsAtOf, hasEnded, isOpenInvitation, type Invite } from '../../src/lib/shared';
import type { Account } from '../auth/accounts';
import type { AuthDb } from '../auth/settings';
import type { DocumentRegistry } from '../sync/registry';
import { admitInvitee, findInvite } from './admission';

export interface OpenInvitationOf {
	projectId: string;
	invite: Invite;
}

export function openInvitationsOf(
	auth: AuthDb,
	registry: DocumentRegistry,
	email: string
): OpenInvitationOf[] {
	const now = auth.settings.now();
	const links = auth.db
		.prepare(
			`SELECT DISTINCT subject, data FROM tokens
			 WHERE purpose = 'invite' AND email = ? AND consumed_at IS NULL AND retired_because IS NULL
			   AND expires_at > ? AND subject IS NOT NULL`
		)
		.all(email.toLowerCase(), now) as Array<{ subject: string; data: string | null }>;
	const open: OpenInvitationOf[] = [];
	for (const link of links) {
		const projectId = projectOf(link.data);
		const invite = projectId ? findInvite(registry, projectId, link.subject) : null;
		if (!projectId || !invite || !isOpenInvitation(invite)) continue;
		const endsAt = endsAtOf(invite);
		if (endsAt !== null && hasEnded(endsAt, now)) continue;
		open.push({ projectId, invite });
	}
	return open;
}

/** Makes the account a member wherever these invitations offer; the projects joined. */
export function acceptInvitations(
	auth: AuthDb,
	registry: DocumentRegistry,
	account: Account,
	invitations: readonly OpenInvitationOf[]
): string[] {
	for (const { projectId, invite } of invitations)
		admitInvitee(registry, projectId, invite, account, auth.settings.now());
	return invitations.map(({ projectId }) => projectId);
}

function projectOf(data: string | null): string | null {
	try {
		const parsed = data === null ? null : (JSON.parse(data) as { projectId?: unknown });
		return typeof parsed?.projectId === 'string' ? parsed.projectId : null;
	} catch {
		return null;
	}
}
