/**
 * The people around a board subscription, in words: who may receive a view's boards (the
 * recipients the console offers), how each recipient on a subscription is named, and whether the
 * digest still reaches them. The rules themselves are the policy's (`decideRecipient` for who may be
 * added, `receivesDigest` for whom the digest reaches, as the server's scheduler asks); this module
 * only puts names on them.
 */
import {
	CADENCE_LABELS,
	receivesDigest,
	scopeIncludes,
	type AccessRequest,
	type BoardSubscription,
	type Member,
	type ProjectFacts
} from '../shared';

/** What the subscription pages need to know about the project: the policy's facts and more. */
export interface SubscriptionProject extends ProjectFacts {
	readonly members: ReadonlyMap<string, Member>;
	readonly requests: ReadonlyMap<string, AccessRequest>;
	readonly myAccountId: string;
}

/** Someone who may receive the view's boards. */
export interface Reader {
	accountId: string;
	email: string;
	name: string;
}

/** A recipient as a subscription shows them; `leftOut` says why the digest does not reach them. */
export interface Recipient {
	email: string;
	name: string;
	/** The signed-in person: "you" in sentences. */
	isYou: boolean;
	leftOut: string | null;
}

/** The members whose data views include the view, by name: who may receive its boards. */
export function readersOf(project: SubscriptionProject, viewId: string): Reader[] {
	return [...project.members.values()]
		.filter((member) => scopeIncludes(member.scope, viewId))
		.map((member) => ({
			accountId: member.accountId,
			email: member.email,
			name: member.name || member.email
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A recipient by name. A reader of the view receives the digest; so does a Network Zone user whose
 * request for a subscription the project approved (the server made their subscription). Anyone
 * else stays on the list until its creator changes it, but is left out of every digest.
 */
export function recipientOf(
	project: SubscriptionProject,
	viewId: string,
	email: string
): Recipient {
	const member = project.memberByEmail(email);
	const isYou = member?.accountId === project.myAccountId;
	const requester = approvedRequesterNamed(project, email);
	const standing = { scope: member?.scope ?? null, approvedSubscriber: requester !== null };
	const name = member?.name || requester || email;
	if (receivesDigest(standing, viewId)) return { email, name, isYou, leftOut: null };
	return {
		email,
		name,
		isYou,
		leftOut: member
			? 'no longer reads this data view, so the digest leaves them out'
			: 'not a member of the project, so the digest leaves this address out'
	};
}

function approvedRequesterNamed(project: SubscriptionProject, email: string): string | null {
	for (const request of project.requests.values()) {
		if (
			request.kind === 'subscription' &&
			request.status === 'approved' &&
			request.requesterEmail === email
		)
			return request.requesterName || email;
	}
	return null;
}

/** A person by account: their name, "you", or who they were when they are no longer a member. */
export function personName(project: SubscriptionProject, accountId: string): string {
	if (accountId === project.myAccountId) return 'you';
	const member = project.members.get(accountId);
	if (member) return member.name || member.email;
	for (const request of project.requests.values()) {
		if (request.requesterId === accountId) return request.requesterName || request.requesterEmail;
	}
	return 'a former member';
}

/** "Ian Analyst", "Ian Analyst and you", "Ian Analyst, Cole Consumer and 3 others". */
export function listOfNames(names: readonly string[]): string {
	if (names.length <= 2) return names.join(' and ');
	if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
	const others = names.length - 2;
	return `${names[0]}, ${names[1]} and ${others} others`;
}

/** "Ian Analyst and you". */
export function recipientNames(recipients: readonly Recipient[]): string {
	return listOfNames(recipients.map((recipient) => (recipient.isYou ? 'you' : recipient.name)));
}

/** "Weekly to Ian Analyst and you". */
export function describeDelivery(
	subscription: Pick<BoardSubscription, 'cadence'>,
	recipients: readonly Recipient[]
): string {
	return `${CADENCE_LABELS[subscription.cadence]} to ${recipientNames(recipients)}`;
}
