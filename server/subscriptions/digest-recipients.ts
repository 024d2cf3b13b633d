/**
 * Who may still receive a subscription's digest: an account that is a member of the project whose
 * data views include the subscription's view, or that asked for a subscription to the project and
 * was approved (a Network Zone user who is not a member). Anyone else is left out of the digest,
 * so a digest stops for a person the moment their access ends, and an address without an account
 * is never mailed by a subscription.
 */
import { scopeIncludes, type Scope } from '../../src/lib/shared';
import type { Db } from '../db/database';

export function recipientsWithAccess(
	db: Db,
	place: { projectId: string; viewId: string },
	recipients: readonly string[]
): string[] {
	const account = db.prepare('SELECT id FROM accounts WHERE email = ?').pluck();
	const membership = db
		.prepare('SELECT scope FROM memberships WHERE project_id = ? AND account_id = ?')
		.pluck();
	const approved = db
		.prepare(
			`SELECT 1 FROM access_requests WHERE project_id = ? AND requester_id = ?
			 AND kind = 'subscription' AND status = 'approved' LIMIT 1`
		)
		.pluck();
	return recipients.filter((email) => {
		const accountId = account.get(email.toLowerCase()) as string | undefined;
		if (!accountId) return false;
		const scope = membership.get(place.projectId, accountId) as string | undefined;
		if (scope !== undefined && scopeIncludes(JSON.parse(scope) as Scope, place.viewId)) return true;
		return approved.get(place.projectId, accountId) !== undefined;
	});
}
