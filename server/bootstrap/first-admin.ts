/**
 * Bringing the first Project Admin into a project (`npm run admin -- invite-admin`): an address
 * with an account becomes a member at once; any other gets an invitation from the consortium
 * office, whose Accept Invite link is returned so that the operator can hand it over. The office
 * is bound by the zone rules like any Project Admin: the person's zone is theirs (by their email
 * domain, or where they are known to belong), and an Institution Zone user cannot be Project Admin
 * in network-zone management.
 */
import {
	checkAssignment,
	checkInviteeZone,
	firstDenial,
	inviteesFrom,
	newId,
	newInvitation,
	OFFICE_INVITER,
	projectDocument,
	ROLE_LABELS,
	sentInvitation,
	succeed,
	type Outcome,
	type ReasonCode,
	type Role
} from '../../src/lib/shared';
import { findAccountByEmail } from '../auth/accounts';
import type { AuthDb } from '../auth/settings';
import { issueToken } from '../auth/tokens';
import { performNow } from '../db/work';
import { putMember } from '../consortium/projects';
import type { MailQueue } from '../mail/mailer';
import { invitationMail, linkWithToken, type SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';
import { zonesOfPerson } from '../consortium/zone-people';

export type FirstAdminOutcome = Outcome<
	{ kind: 'added'; accountId: string } | { kind: 'invited'; link: string; expiresAt: number },
	ReasonCode
>;

/** Without a zone, the person's own zone when it is known, else the project's owner zone. */
export function inviteFirstAdmin(
	deps: AuthDb & { registry: DocumentRegistry; mailer: MailQueue; site: SiteUrl },
	request: { projectId: string; email: string; zoneId?: string; role?: Role }
): FirstAdminOutcome {
	const { db, registry, mailer, site } = deps;
	const role = request.role ?? 'admin';
	const checked = registry.read(projectDocument(request.projectId), (document) => {
		const facts = document.index!;
		const invitees = inviteesFrom(
			() => document.root('zones').values(),
			(email) => zonesOfPerson(db, email, facts.project.consortiumId)
		);
		const own = invitees.zonesOf(request.email);
		const zoneId = request.zoneId ?? (own.length === 1 ? own[0]! : facts.project.ownerZoneId);
		const decision = firstDenial(
			() => checkInviteeZone(facts, invitees, request.email, zoneId),
			() => checkAssignment(facts, { role, zoneId, scope: 'all' })
		);
		return { project: facts.project, zoneId, decision };
	});
	if (!checked) throw new Error(`There is no project ${request.projectId}.`);
	const { project, decision } = checked;
	if (!decision.ok) return decision;
	const input = { ...request, zoneId: checked.zoneId };
	const account = findAccountByEmail(db, input.email);
	if (account) {
		putMember(db, registry, input.projectId, {
			accountId: account.id,
			email: account.email,
			name: account.name,
			role,
			zoneId: input.zoneId
		});
		return succeed({ kind: 'added', accountId: account.id });
	}
	const now = deps.settings.now();
	const inviteId = newId();
	const issued = db.transaction(() => {
		const token = performNow(
			deps.db,
			issueToken(deps.settings, {
				purpose: 'invite',
				email: input.email,
				subject: inviteId,
				data: { projectId: project.id }
			})
		);
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
	// Made and sent in one step, by the server: the office has no console to queue it from.
	const invite = sentInvitation(
		newInvitation({
			id: inviteId,
			email: input.email,
			role,
			zoneId: input.zoneId,
			scope: 'all',
			invitedBy: OFFICE_INVITER,
			invitedAt: now
		}),
		now,
		issued.expiresAt
	);
	registry.change(projectDocument(project.id), (roots) => roots.invites.set(inviteId, invite));
	return succeed({
		kind: 'invited',
		link: linkWithToken(site, '/invite', issued.token),
		expiresAt: issued.expiresAt
	});
}
