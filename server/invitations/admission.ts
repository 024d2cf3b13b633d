/**
 * Turning an invitation into a membership, on the server's authority: the invitee becomes a member
 * with the role, zone, data views and end date the invitation named (and the policy accepted when
 * it was made), and the invitation is marked accepted, in one change of the project document.
 */
import {
	acceptedInvitation,
	defaultScope,
	endsAtOf,
	projectDocument,
	type Invite,
	type Member
} from '../../src/lib/shared';
import type { Account } from '../auth/accounts';
import type { DocumentRegistry } from '../sync/registry';

export function admitInvitee(
	registry: DocumentRegistry,
	projectId: string,
	invite: Invite,
	account: Account,
	now: number
): void {
	registry.change(projectDocument(projectId), (roots) => {
		const members = roots.members;
		const existing = members.get(account.id);
		if (!existing) {
			const facts = registry.get(projectDocument(projectId))!.index!;
			const member: Member = {
				accountId: account.id,
				email: account.email,
				name: account.name,
				role: invite.role,
				zoneId: invite.zoneId,
				scope: invite.scope ?? defaultScope(facts, invite.zoneId),
				joinedAt: now,
				endsAt: endsAtOf(invite),
				updatedBy: invite.invitedBy,
				updatedAt: now
			};
			members.set(account.id, member);
		}
		roots.invites.set(invite.id, acceptedInvitation(invite, now));
	});
}

export function findInvite(
	registry: DocumentRegistry,
	projectId: string,
	inviteId: string
): Invite | null {
	return (
		registry.read(
			projectDocument(projectId),
			(document) => document.root('invites').get(inviteId) ?? null
		) ?? null
	);
}
