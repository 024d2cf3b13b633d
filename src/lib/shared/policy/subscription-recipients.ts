/**
 * Who a board subscription may be sent to: people who may read the board's data view. A digest is
 * that view's data (the board's name and its reports), so a recipient outside the project, or a
 * member whose data views do not include this one, would receive what they may not read.
 *
 * The rule applies to the addresses a write adds. Someone already on a subscription who has since
 * lost the view stays on it until its creator changes the list (the digest leaves them out
 * meanwhile, docs/workflows.md), so that pausing a subscription never waits on someone else's
 * removal.
 */
import { scopeIncludes, type Scope } from '../project';
import { ALLOW, deny, type Decision } from './decision';
import type { ProjectFacts } from './facts';

/**
 * What decides whether a digest reaches a person: their data views in the project (null: not a
 * member), and whether the project approved their request for a subscription.
 */
export interface DigestStanding {
	scope: Scope | null;
	approvedSubscriber: boolean;
}

/**
 * Whether a digest of a board of the view reaches the person (docs/workflows.md, "Who receives
 * it"): a member whose data views include the view, or a Network Zone user whose request for a
 * subscription to the project was approved (the server made their subscription, of a view they
 * cannot open). The digest scheduler leaves everyone else out, and a change's preview says whose
 * digests stop by asking the same question before and after.
 */
export function receivesDigest(standing: DigestStanding, viewId: string): boolean {
	return (
		(standing.scope !== null && scopeIncludes(standing.scope, viewId)) ||
		standing.approvedSubscriber
	);
}

/** A data view with the facts of its project: enough to say who may read it. */
export interface ViewInProject {
	facts: ProjectFacts;
	viewId: string;
}

/** Whether the address may receive boards of the view: a member whose data views include it. */
export function decideRecipient(view: ViewInProject, email: string): Decision {
	const { facts, viewId } = view;
	const viewName = facts.view(viewId)?.name;
	const theView = viewName ? `the ${viewName} data view` : 'this data view';
	const member = facts.memberByEmail(email);
	if (!member) {
		return deny(
			'recipient-without-access',
			`${email} is not a member of ${facts.project.name}, so cannot receive boards of ${theView}.`
		);
	}
	if (!scopeIncludes(member.scope, viewId)) {
		return deny(
			'recipient-without-access',
			`${member.name || email} cannot read ${theView}, so cannot receive its boards.`
		);
	}
	return ALLOW;
}

/**
 * The recipients a write gives a subscription: every address it adds (not in `before`) must be
 * allowed. The first refusal is the answer, with how many more there are.
 */
export function decideRecipients(
	view: ViewInProject,
	after: readonly string[],
	before: readonly string[] = []
): Decision {
	const kept = new Set(before);
	const refusals = after
		.filter((email) => !kept.has(email))
		.map((email) => decideRecipient(view, email))
		.filter((decision) => !decision.ok);
	const first = refusals[0];
	if (!first || first.ok) return ALLOW;
	const others = refusals.length - 1;
	return others === 0
		? first
		: deny(
				first.code,
				`${first.message} The same goes for ${others} other ${others === 1 ? 'address' : 'addresses'} on the list.`
			);
}
