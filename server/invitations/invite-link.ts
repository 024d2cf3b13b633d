/**
 * Copy invite link (docs/workflows.md, "Bulk invites and invite links"): for an invitation whose
 * mail does not arrive (a spam filter, a mailbox not set up yet), a Project Admin takes its Accept
 * Invite link and hands it over themselves. The link is minted as a sending mints it: fresh,
 * single use, valid for an invitation's lifetime, its earlier links retired (they answer
 * `invite-superseded`), only its hash kept. It is in the answer once and nowhere else: no mail
 * holds it. Who may take one, and of which invitation, the policy says as it says who may resend
 * it (a fresh link retires the mailed one either way): a Project Admin, of an open invitation whose
 * access has not ended. The act is a governance event of the project's audit log (who took the link of which
 * invitation, and when), and the invitation records the new link's dates (the lifecycle's
 * `copyLink` move), so that Invited Users shows when it expires.
 */
import {
	fail,
	judgeProjectChange,
	projectDocument,
	sentInvitation,
	succeed,
	withResendRequested,
	type InviteLink,
	type Outcome,
	type ReasonCode
} from '../../src/lib/shared';
import type { AuthDb } from '../auth/settings';
import { recordGovernanceEvent } from '../audit/governance';
import { withProject } from '../consortium/project-access';
import { acceptInviteUrl, type SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';
import { issueInviteLink } from './sending';

export interface InviteLinkDeps extends AuthDb {
	registry: DocumentRegistry;
	site: SiteUrl;
}

export function copyInviteLink(
	deps: InviteLinkDeps,
	projectId: string,
	inviteId: string,
	actorId: string
): Outcome<{ link: InviteLink }, 'project-not-found' | 'invite-not-found' | ReasonCode> {
	const { db, registry } = deps;
	return withProject(registry, projectId, ({ document, facts }) => {
		const invite = document.root('invites').get(inviteId);
		if (!invite) return fail('invite-not-found', 'There is no such invitation in this project.');
		const decision = judgeProjectChange(
			facts,
			actorId,
			{ root: 'invites', key: inviteId, before: invite, after: withResendRequested(invite) },
			registry.invitees(document)
		);
		if (!decision.ok) return decision;
		const now = deps.settings.now();
		const issued = db.transaction(() => {
			const minted = issueInviteLink(deps, projectId, invite);
			recordGovernanceEvent(db, {
				place: { projectId },
				authorId: actorId,
				subject: { email: invite.email, zoneId: invite.zoneId },
				event: {
					kind: 'invite-link-copied',
					inviteId: invite.id,
					email: invite.email,
					role: invite.role,
					zoneId: invite.zoneId
				},
				at: now
			});
			return minted;
		})();
		registry.change(projectDocument(projectId), (roots) =>
			roots.invites.set(invite.id, sentInvitation(invite, now, issued.expiresAt))
		);
		return succeed({
			link: { url: acceptInviteUrl(deps.site, issued.token), expiresAt: issued.expiresAt }
		});
	});
}
