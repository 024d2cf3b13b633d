/**
 * Access reviews (docs/workflows.md): a Project Admin asks the reviewers of a zone (or of the whole
 * project) to attest, person by person, that each member's access should stay (Keep) or go
 * (Remove) by a due date. The shapes the API answers with, and the rules: who may start a review,
 * who reviews which zone, what a decision needs. The server enforces them (server/reviews/), the
 * console explains them with the same words, and a removal is judged once more by the policy
 * itself, as the reviewer's own change.
 */
import { z } from 'zod';
import { describeAccessPath, type AccessGrant } from './access';
import { formatDate } from './human-format';
import { IdSchema, TimestampSchema } from './ids';
import type { Member } from './membership';
import { fail, OK, type Outcome } from './outcome';
import type { ProjectFacts } from './policy';
import { ScopeSchema, type Scope } from './project';
import { ROLES } from './roles';

/** What a reviewer decides about one person. */
export const REVIEW_DECISIONS = ['keep', 'remove'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * What became of one person when the review closed: a reviewer's decision, `left` (no longer a
 * member by then, and nobody had decided), or null: undecided, reported, never removed for it.
 */
export const REVIEW_OUTCOMES = [...REVIEW_DECISIONS, 'left'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const REVIEW_OUTCOME_LABELS: Record<ReviewOutcome, string> = {
	keep: 'Kept',
	remove: 'Removed',
	left: 'No longer a member'
};

export const UNDECIDED_LABEL = 'Undecided';

/** A due date is at least this far ahead when the review starts: reviewers need time to decide. */
export const REVIEW_MIN_NOTICE_MS = 3_600_000;
/** And at most this far: an attestation that takes longer than a year attests nothing. */
export const REVIEW_MAX_LENGTH_MS = 366 * 24 * 3_600_000;

// ---- the API's shapes ---------------------------------------------------------------------------

/** `POST /api/projects/:id/reviews`. */
export const StartReviewRequestSchema = z.object({
	/** The zone whose people are reviewed; null: every member of the project. */
	zoneId: IdSchema.nullable(),
	/** When decisions are due (the console sends the end of the chosen day, in the reader's zone). */
	dueAt: TimestampSchema
});
export type StartReviewRequest = z.infer<typeof StartReviewRequestSchema>;

/** `POST /api/projects/:id/reviews/:reviewId/people/:accountId`. */
export const ReviewDecisionRequestSchema = z.object({ decision: z.enum(REVIEW_DECISIONS) });

const ReviewedAccessSchema = z.object({
	role: z.enum(ROLES),
	scope: ScopeSchema,
	joinedAt: TimestampSchema
});
/** A member's access as the review recorded it when it started. */
export type ReviewedAccess = z.infer<typeof ReviewedAccessSchema>;

export const ReviewItemSchema = ReviewedAccessSchema.extend({
	accountId: IdSchema,
	name: z.string(),
	email: z.string(),
	zoneId: IdSchema,
	/** How they came to have this access, in words (`accessReasonOf`). */
	reason: z.string(),
	outcome: z.enum(REVIEW_OUTCOMES).nullable(),
	decidedBy: z.object({ accountId: IdSchema, name: z.string() }).nullable(),
	decidedAt: TimestampSchema.nullable(),
	/** Still a member of the project now. */
	isMember: z.boolean(),
	/** Why the reader may not decide about this person now; null when they may. */
	decisionBlocked: z.string().nullable(),
	/** Why removing this person would be refused by the policy; null when it would not. */
	removalBlocked: z.string().nullable()
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ReviewCountsSchema = z.object({
	people: z.number().int().nonnegative(),
	kept: z.number().int().nonnegative(),
	removed: z.number().int().nonnegative(),
	left: z.number().int().nonnegative(),
	undecided: z.number().int().nonnegative()
});
export type ReviewCounts = z.infer<typeof ReviewCountsSchema>;

export const REVIEW_CLOSINGS = ['completed', 'due-date'] as const;
export type ReviewClosing = (typeof REVIEW_CLOSINGS)[number];

export const ReviewSummarySchema = z.object({
	id: IdSchema,
	projectId: IdSchema,
	zoneId: IdSchema.nullable(),
	/** "Aurora University Library", or "everyone" for the whole project. */
	scopeName: z.string(),
	startedBy: z.object({ accountId: IdSchema, name: z.string() }),
	startedAt: TimestampSchema,
	dueAt: TimestampSchema,
	status: z.enum(['open', 'closed']),
	closing: z.enum(REVIEW_CLOSINGS).nullable(),
	closedBy: z.object({ accountId: IdSchema, name: z.string() }).nullable(),
	closedAt: TimestampSchema.nullable(),
	counts: ReviewCountsSchema,
	/** People the reader may still decide about. */
	waitingForYou: z.number().int().nonnegative(),
	/** Why the reader may not complete the review now; null when they may. */
	completionBlocked: z.string().nullable()
});
export type ReviewSummary = z.infer<typeof ReviewSummarySchema>;

export const ReviewListSchema = z.object({ reviews: z.array(ReviewSummarySchema) });

export const ReviewSchema = z.object({
	review: ReviewSummarySchema,
	/** Who may decide: the Project Admins who review its zone (or, whole project, any zone of it). */
	reviewers: z.array(z.object({ accountId: IdSchema, name: z.string() })),
	/** Names of the project's zones and data views, for the access column. */
	zoneNames: z.record(z.string(), z.string()),
	viewNames: z.record(z.string(), z.string()),
	items: z.array(ReviewItemSchema)
});
export type Review = z.infer<typeof ReviewSchema>;

// ---- the rules ----------------------------------------------------------------------------------

type Refusal<Code extends string> = Outcome<object, Code>;

/**
 * Whether the account reviews the people of a zone of this project: a Project Admin of it, and in
 * institution-zone management only for their own home zone (a library's admins review the
 * library's people; the Network Zone's admins of that project, the Network Zone's people).
 */
export function checkZoneReviewer(
	facts: ProjectFacts,
	accountId: string,
	zoneId: string
): Refusal<'not-project-admin' | 'not-zone-reviewer'> {
	const member = facts.member(accountId);
	if (member?.role !== 'admin')
		return fail('not-project-admin', 'Only Project Admins of this project review access.');
	if (facts.project.mode === 'institution-zone' && member.zoneId !== zoneId) {
		const zone = facts.zone(zoneId)?.name ?? 'that zone';
		return fail(
			'not-zone-reviewer',
			`In institution-zone management the people of ${zone} are reviewed by ${zone}’s own Project Admins.`
		);
	}
	return OK;
}

/**
 * Who may start a review: a Project Admin; of one zone, only someone who reviews that zone (in
 * institution-zone management, its own admins). A zone that is not the consortium's is
 * `review-zone-unknown`.
 */
export function checkReviewStart(
	facts: ProjectFacts,
	actorId: string,
	zoneId: string | null
): Refusal<'not-project-admin' | 'not-zone-reviewer' | 'review-zone-unknown'> {
	if (facts.member(actorId)?.role !== 'admin')
		return fail('not-project-admin', 'Only Project Admins of this project start access reviews.');
	if (zoneId === null) return OK;
	if (!facts.zone(zoneId)) return fail('review-zone-unknown', 'There is no such zone here.');
	return checkZoneReviewer(facts, actorId, zoneId);
}

/** The due date a review may have, judged by the server's clock. */
export function checkReviewDueDate(
	dueAt: number,
	now: number
): Outcome<object, 'review-due-date', { fields: Record<string, string[]> }> {
	const problem =
		dueAt < now + REVIEW_MIN_NOTICE_MS
			? 'Choose a due date at least an hour from now.'
			: dueAt > now + REVIEW_MAX_LENGTH_MS
				? 'Choose a due date within a year.'
				: null;
	return problem ? fail('review-due-date', problem, { fields: { dueAt: [problem] } }) : OK;
}

/** The members a review of this zone (null: the whole project) asks about. */
export function reviewedMembers(members: Iterable<Member>, zoneId: string | null): Member[] {
	return [...members]
		.filter((member) => zoneId === null || member.zoneId === zoneId)
		.sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

/** What a decision about one person is judged on. */
export interface DecisionFacts {
	review: { status: 'open' | 'closed'; dueAt: number };
	item: { accountId: string; zoneId: string; outcome: ReviewOutcome | null };
}

/**
 * Whether the account may decide about this person now: the review is open and before its due
 * date, nobody has decided yet (a decision is final: a removal cannot be taken back by the
 * review), the account reviews the person's zone, the person is still a member, and it is not
 * the reviewer's own access (nobody attests to their own).
 */
export function checkReviewDecision(
	facts: ProjectFacts,
	actorId: string,
	{ review, item }: DecisionFacts,
	now: number
): Refusal<
	| 'review-closed'
	| 'review-item-decided'
	| 'not-project-admin'
	| 'not-zone-reviewer'
	| 'review-own-access'
	| 'review-person-gone'
> {
	if (review.status !== 'open' || now >= review.dueAt)
		return fail('review-closed', 'This review is closed: decisions are no longer taken.');
	if (item.outcome !== null)
		return fail('review-item-decided', 'Somebody has already decided about this person.');
	const reviewer = checkZoneReviewer(facts, actorId, item.zoneId);
	if (!reviewer.ok) return reviewer;
	if (item.accountId === actorId)
		return fail(
			'review-own-access',
			'Another reviewer decides about your own access: nobody attests to their own.'
		);
	if (!facts.member(item.accountId))
		return fail('review-person-gone', 'This person is no longer a member of the project.');
	return OK;
}

/**
 * Who may complete a review before its due date: its starter, or anyone who may review it (for
 * one zone: its reviewers; for the whole project: any of its Project Admins), while it is open.
 */
export function checkReviewCompletion(
	facts: ProjectFacts,
	actorId: string,
	review: { status: 'open' | 'closed'; zoneId: string | null; startedBy: string }
): Refusal<'review-closed' | 'not-project-admin' | 'not-zone-reviewer'> {
	if (review.status !== 'open') return fail('review-closed', 'This review is already closed.');
	if (facts.member(actorId)?.role !== 'admin')
		return fail('not-project-admin', 'Only Project Admins of this project complete reviews.');
	if (review.zoneId === null || review.startedBy === actorId) return OK;
	return checkZoneReviewer(facts, actorId, review.zoneId);
}

// ---- words --------------------------------------------------------------------------------------

/**
 * How a person came to have their access, in words: the one source of the review's reason column
 * (page and CSV). The path that gave it ("Invited by Ada Admin on 3 Nov 2026, accepted 4 Nov
 * 2026"), in the words of "why has access"; without one, what is known: since when.
 */
export function accessReasonOf(
	access: Pick<ReviewedAccess, 'joinedAt'> & { accountId: string },
	grant?: Pick<AccessGrant, 'role' | 'path'>
): string {
	return grant
		? describeAccessPath(access, grant, 'UTC')
		: `Member since ${formatDate(access.joinedAt, 'UTC')}`;
}

/** "All data views", "Aurora and Borealis"; a view gone since is "a removed data view". */
export function scopeWords(scope: Scope, viewNames: Readonly<Record<string, string>>): string {
	if (scope === 'all') return 'All data views';
	const names = scope.map((viewId) => viewNames[viewId] ?? 'a removed data view');
	return names.length <= 1
		? (names[0] ?? 'No data view')
		: `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "Aurora University Library" for a zone, "everyone" for the whole project. */
export function reviewScopeName(zoneName: string | null): string {
	return zoneName ?? 'everyone';
}

/** "Kept", "Removed", "No longer a member", "Undecided". */
export function outcomeLabel(outcome: ReviewOutcome | null): string {
	return outcome === null ? UNDECIDED_LABEL : REVIEW_OUTCOME_LABELS[outcome];
}

/** "2 kept, 1 removed, 1 no longer a member, 3 undecided" (the parts that are not 0, kept first). */
export function describeReviewCounts(counts: Omit<ReviewCounts, 'people'>): string {
	const parts = [
		`${counts.kept} kept`,
		`${counts.removed} removed`,
		...(counts.left > 0 ? [`${counts.left} no longer a member`] : []),
		`${counts.undecided} undecided`
	];
	return parts.join(', ');
}

/** Counts of a review's outcomes. */
export function countOutcomes(outcomes: Iterable<ReviewOutcome | null>): ReviewCounts {
	const counts: ReviewCounts = { people: 0, kept: 0, removed: 0, left: 0, undecided: 0 };
	for (const outcome of outcomes) {
		counts.people += 1;
		if (outcome === 'keep') counts.kept += 1;
		else if (outcome === 'remove') counts.removed += 1;
		else if (outcome === 'left') counts.left += 1;
		else counts.undecided += 1;
	}
	return counts;
}
