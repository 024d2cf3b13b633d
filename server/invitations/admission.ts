/**
 * Turning an invitation into a membership, on the server's authority: the invitee becomes a member
 * with the role, zone and data views the invitation named (and the policy accepted when it was
 * made), and the invitation is marked accepted, in one change of the project document.
 */
import { defaultScope, type Invite, type Member } from '../../src/lib/shared';
import type { Account } from '../auth/accounts';
import type { DocumentRegistry } from '../sync/registry';

export function admitInvitee(
	registry: DocumentRegistry,
	projectId: string,
	invite: Invite,
	account: Account,
	now: number
): void {
	registry.change(`project/${projectId}`, (roots) => {
		const members = roots.get('members')!;
		const existing = members.get(account.id) as Member | undefined;
		if (!existing) {
			const facts = registry.get(`project/${projectId}`)!.index!;
			const member: Member = {
				accountId: account.id,
				email: account.email,
				name: account.name,
				role: invite.role,
				zoneId: invite.zoneId,
				scope: invite.scope ?? defaultScope(facts, invite.zoneId),
				joinedAt: now,
				updatedBy: invite.invitedBy,
				updatedAt: now
			};
			members.set(account.id, member);
		}
		roots.get('invites')!.set(invite.id, { ...invite, status: 'accepted', acceptedAt: now });
	});
}

export function findInvite(
	registry: DocumentRegistry,
	projectId: string,
	inviteId: string
): Invite | null {
	return (
		registry.read(
			`project/${projectId}`,
			(document) => (document.roots.get('invites')!.get(inviteId) as Invite | undefined) ?? null
		) ?? null
	);
}
