/**
 * Who may still receive a subscription's digest: an account that is a member of the project whose
 * data views include the subscription's view, or that asked for a subscription to the project and
 * was approved (a Network Zone user who is not a member). Anyone else is left out of the digest,
 * so a digest stops for a person the moment their access ends, and an address without an account
 * is never mailed by a subscription. The rule is the policy's `receivesDigest`, which a change's
 * preview asks too; this module reads a person's standing from the SQL indexes.
 */
import { receivesDigest, type DigestStanding, type Scope } from '../../src/lib/shared';
import type { Db } from '../db/database';

export function recipientsWithAccess(
	db: Db,
	place: { projectId: string; viewId: string },
	recipients: readonly string[]
): string[] {
	const account = db.prepare('SELECT id FROM accounts WHERE email = ?').pluck();
	const standingOf = digestStandings(db);
	return recipients.filter((email) => {
		const accountId = account.get(email.toLowerCase()) as string | undefined;
		return (
			accountId !== undefined &&
			receivesDigest(standingOf(place.projectId, accountId), place.viewId)
		);
	});
}

/** A person's standing in a project, as far as digests go: their data views, an approved request. */
export function digestStandings(db: Db): (projectId: string, accountId: string) => DigestStanding {
	const membership = db
		.prepare('SELECT scope FROM memberships WHERE project_id = ? AND account_id = ?')
		.pluck();
	const approved = db
		.prepare(
			`SELECT 1 FROM access_requests WHERE project_id = ? AND requester_id = ?
			 AND kind = 'subscription' AND status = 'approved' LIMIT 1`
		)
		.pluck();
	return (projectId, accountId) => {
		const scope = membership.get(projectId, accountId) as string | undefined;
		return {
			scope: scope === undefined ? null : (JSON.parse(scope) as Scope),
			approvedSubscriber: approved.get(projectId, accountId) !== undefined
		};
	};
}
