/**
 * Turning an invitation into a membership, on the server's authority: the invitee becomes a member
 * with the role, zone, data views and end date the invitation named (and the policy accepted when
 * it was made), and the invitation is marked accepted, in one change of the project document
 * (one for all the invitations of a change the server sends, when their people have accounts).
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

export interface Admission {
	invite: Invite;
	account: Account;
}

export function admitInvitee(
	registry: DocumentRegistry,
	projectId: string,
	invite: Invite,
	account: Account,
	now: number
): void {
	admitInvitees(registry, projectId, [{ invite, account }], now);
}

export function admitInvitees(
	registry: DocumentRegistry,
	projectId: string,
	admissions: readonly Admission[],
	now: number
): void {
	registry.change(projectDocument(projectId), (roots) => {
		const members = roots.members;
		const facts = registry.get(projectDocument(projectId))!.index!;
		for (const { invite, account } of admissions) {
			if (!members.get(account.id)) {
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
		}
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
