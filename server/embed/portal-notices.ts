/**
 * Registering or revoking a portal is told to the Project Admins of the projects it serves, by
 * mail, all but the one who did it: a portal acts in their project for the people who allow it,
 * so none of them should learn of it by chance. Recipients are read from the memberships index
 * (SQL), so the command line, which loads no documents, mails them too.
 */
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import { portalChangedMail, type SiteUrl } from '../mail/templates';
import type { PortalRecord } from './portals';

export interface PortalNoticeDeps {
	db: Db;
	mailer: MailQueue;
	site: SiteUrl;
}

export interface PortalChange {
	change: 'registered' | 'revoked';
	/** Who did it: an account, or null for the consortium office (`npm run admin`). */
	actorId: string | null;
	actorName: string;
}

interface AdminRow {
	account_id: string;
	email: string;
	project_name: string;
}

/** Queues one message per Project Admin of the portal's projects but the actor; the count. */
export function mailPortalChange(
	deps: PortalNoticeDeps,
	portal: PortalRecord,
	change: PortalChange
): number {
	const placeholders = portal.projectIds.map(() => '?').join(', ');
	const rows = deps.db
		.prepare(
			`SELECT m.account_id, a.email, p.name AS project_name
			 FROM memberships m JOIN accounts a ON a.id = m.account_id JOIN projects p ON p.id = m.project_id
			 WHERE m.role = 'admin' AND m.project_id IN (${placeholders}) AND m.account_id IS NOT ?
			 ORDER BY p.name`
		)
		.all(...portal.projectIds, change.actorId) as AdminRow[];
	const projectsOf = new Map<string, { email: string; projectNames: string[] }>();
	for (const row of rows) {
		const recipient = projectsOf.get(row.account_id) ?? { email: row.email, projectNames: [] };
		recipient.projectNames.push(row.project_name);
		projectsOf.set(row.account_id, recipient);
	}
	for (const { email, projectNames } of projectsOf.values()) {
		deps.mailer.enqueue(
			portalChangedMail({
				site: deps.site,
				to: email,
				change: change.change,
				actorName: change.actorName,
				portalName: portal.name,
				origins: portal.origins,
				projectNames,
				path: `/consortia/${encodeURIComponent(portal.consortiumId)}/portals`
			})
		);
	}
	return projectsOf.size;
}
