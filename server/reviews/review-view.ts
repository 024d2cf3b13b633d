/**
 * An access review as the API shows it to one reader: its rows put together with the project as
 * it is now (names of people, zones and data views; who is still a member) and, for each person,
 * what the reader may do: decide, and whether the policy would let the review remove them. The
 * rules are the shared ones (access-reviews.ts, the policy's `decideRemoval`), so that the page
 * and the server cannot disagree.
 */
import {
	checkReviewCompletion,
	checkReviewDecision,
	checkZoneReviewer,
	countOutcomes,
	decideRemoval,
	reviewScopeName,
	type Member,
	type ProjectFacts,
	type Review,
	type ReviewItem,
	type ReviewSummary
} from '../../src/lib/shared';
import { findAccountById } from '../auth/accounts';
import type { HeldProject } from '../consortium/project-access';
import type { Db } from '../db/database';
import { itemsOf, type ReviewItemRecord, type ReviewRecord } from './review-store';

/** A project document held for the length of a synchronous step, with its id. */
export interface HeldReviewProject extends HeldProject {
	projectId: string;
}

/** A person's name as the review shows it: their account's, else the membership's. */
export function personName(db: Db, facts: ProjectFacts, accountId: string): string {
	const account = findAccountById(db, accountId);
	const member = facts.member(accountId);
	return account?.name || member?.name || account?.email || member?.email || 'A deleted account';
}

/** The Project Admins who may decide about someone in the review: those who review its zones. */
export function reviewersOf(project: HeldReviewProject, zoneIds: ReadonlySet<string>): Member[] {
	const admins = [...project.document.root('members').values()].filter(
		(member) => member.role === 'admin'
	);
	return admins.filter((admin) =>
		[...zoneIds].some((zoneId) => checkZoneReviewer(project.facts, admin.accountId, zoneId).ok)
	);
}

export function reviewSummary(
	db: Db,
	project: HeldReviewProject,
	record: ReviewRecord,
	readerId: string,
	now: number,
	items: readonly ReviewItemRecord[] = itemsOf(db, record.id)
): ReviewSummary {
	const { facts } = project;
	const who = (accountId: string) => ({ accountId, name: personName(db, facts, accountId) });
	const completion = checkReviewCompletion(facts, readerId, record);
	return {
		id: record.id,
		projectId: record.projectId,
		zoneId: record.zoneId,
		scopeName: reviewScopeName(
			record.zoneId === null
				? null
				: (facts.zone(record.zoneId)?.name ?? 'a zone no longer in the consortium')
		),
		startedBy: who(record.startedBy),
		startedAt: record.startedAt,
		dueAt: record.dueAt,
		status: record.status,
		closing: record.closing,
		closedBy: record.closedBy === null ? null : who(record.closedBy),
		closedAt: record.closedAt,
		counts: countOutcomes(items.map((item) => item.outcome)),
		waitingForYou: items.filter(
			(item) => checkReviewDecision(facts, readerId, { review: record, item }, now).ok
		).length,
		completionBlocked: completion.ok ? null : completion.message
	};
}

export function reviewDetails(
	db: Db,
	project: HeldReviewProject,
	record: ReviewRecord,
	readerId: string,
	now: number
): Review {
	const { document, facts } = project;
	const items = itemsOf(db, record.id);
	const zoneIds = new Set(items.map((item) => item.zoneId));
	return {
		review: reviewSummary(db, project, record, readerId, now, items),
		reviewers: reviewersOf(project, zoneIds).map((admin) => ({
			accountId: admin.accountId,
			name: personName(db, facts, admin.accountId)
		})),
		zoneNames: Object.fromEntries(
			[...document.root('zones').values()].map((zone) => [zone.id, zone.name])
		),
		viewNames: Object.fromEntries(
			[...document.root('views').values()].map((view) => [view.id, view.name])
		),
		items: items.map((item) => itemView(db, facts, record, item, readerId, now))
	};
}

function itemView(
	db: Db,
	facts: ProjectFacts,
	record: ReviewRecord,
	item: ReviewItemRecord,
	readerId: string,
	now: number
): ReviewItem {
	const member = facts.member(item.accountId);
	const decision = checkReviewDecision(facts, readerId, { review: record, item }, now);
	const removal = member ? decideRemoval(facts, readerId, member) : null;
	return {
		accountId: item.accountId,
		name: item.name,
		email: item.email,
		zoneId: item.zoneId,
		role: item.role,
		scope: item.scope,
		joinedAt: item.joinedAt,
		reason: item.reason,
		outcome: item.outcome,
		decidedBy:
			item.decidedBy === null
				? null
				: { accountId: item.decidedBy, name: personName(db, facts, item.decidedBy) },
		decidedAt: item.decidedAt,
		isMember: member !== undefined,
		decisionBlocked: decision.ok ? null : decision.message,
		removalBlocked: removal && !removal.ok ? removal.message : null
	};
}
