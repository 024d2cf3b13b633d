/**
 * Bringing the first Project Admin into a project (bootstrap and `npm run admin`): an address with
 * an account becomes a member at once; any other gets an invitation from the consortium office,
 * whose Accept Invite link is returned so that the operator can hand it over.
 */
import { OFFICE_INVITER, ROLE_LABELS, newId, type Invite, type Role } from '../../src/lib/shared';
import { findAccountByEmail } from '../auth/accounts';
import { authSettings } from '../auth/settings';
import { issueToken, revokeTokens } from '../auth/tokens';
import { putMember } from '../consortium/projects';
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import { invitationMail, linkWithToken, type SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';

export type FirstAdminOutcome =
	{ kind: 'added'; accountId: string } | { kind: 'invited'; link: string; expiresAt: number };

export function inviteFirstAdmin(
	deps: { db: Db; registry: DocumentRegistry; mailer: MailQueue; site: SiteUrl },
	input: { projectId: string; email: string; zoneId: string; role?: Role }
): FirstAdminOutcome {
	const { db, registry, mailer, site } = deps;
	const role = input.role ?? 'admin';
	const project = registry.read(
		`project/${input.projectId}`,
		(document) => document.index!.project
	);
	if (!project) throw new Error(`There is no project ${input.projectId}.`);
	const account = findAccountByEmail(db, input.email);
	if (account) {
		putMember(db, registry, input.projectId, {
			accountId: account.id,
			email: account.email,
			name: account.name,
			role,
			zoneId: input.zoneId
		});
		return { kind: 'added', accountId: account.id };
	}
	const now = authSettings(db).now();
	const inviteId = newId();
	const issued = db.transaction(() => {
		revokeTokens(db, 'invite', inviteId);
		const token = issueToken(db, {
			purpose: 'invite',
			email: input.email,
			subject: inviteId,
			data: { projectId: project.id }
		});
		mailer.enqueue(
			invitationMail({
				site,
				to: input.email,
				projectName: project.name,
				roleLabel: ROLE_LABELS[role],
				inviterName: project.consortiumName,
				...token
			})
		);
		return token;
	})();
	const invite: Invite = {
		id: inviteId,
		email: input.email.toLowerCase(),
		role,
		zoneId: input.zoneId,
		scope: 'all',
		invitedBy: OFFICE_INVITER,
		invitedAt: now,
		sendRequests: 1,
		status: 'sent',
		sentAt: now,
		expiresAt: issued.expiresAt,
		acceptedAt: null,
		failure: null
	};
	registry.change(`project/${project.id}`, (roots) => roots.get('invites')!.set(inviteId, invite));
	return {
		kind: 'invited',
		link: linkWithToken(site, '/invite', issued.token),
		expiresAt: issued.expiresAt
	};
}
