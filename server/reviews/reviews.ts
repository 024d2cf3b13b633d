/**
 * Access reviews (docs/workflows.md): starting one, reading it, deciding Keep or Remove about each
 * person, completing it, and its CSV. Every step holds the project document for its synchronous
 * length and judges with the shared rules (access-reviews.ts) against the project as it is now.
 *
 * A Remove is applied when the reviewer decides it, as the reviewer's own change to the project
 * document (`registry.changeAs`): the policy judges it as if their console had sent it (a review
 * cannot remove another Project Admin, nor the last one), and the audit log, the member's news and
 * mail, the project drop-down and the closing of their connections follow as for any removal. It
 * is applied at once rather than when the review completes, so that the policy judges it with the
 * reviewer's authority at the moment they decide (a reviewer who lost it meanwhile cannot remove
 * anyone), a refusal is told to the reviewer who can act on it, and nothing is removed later by
 * the server in a reviewer's name.
 */
import {
	accessReasonOf,
	checkReviewCompletion,
	checkReviewDecision,
	checkReviewDueDate,
	checkReviewStart,
	fail,
	newId,
	outcomeLabel,
	projectDocument,
	reviewedMembers,
	reviewScopeName,
	scopeWords,
	succeed,
	ROLE_LABELS,
	type Failure,
	type Outcome,
	type ReasonCode,
	type Review,
	type ReviewDecision,
	type ReviewSummary,
	type StartReviewRequest
} from '../../src/lib/shared';
import { accessPathsInProject } from '../access/report';
import type { Account } from '../auth/accounts';
import { checkProjectAdmin, withProject } from '../consortium/project-access';
import { accessReviewStartedMail } from '../mail/templates';
import { closeReview, reviewPath, type ReviewDeps } from './closing';
import {
	findItem,
	findReview,
	insertReview,
	itemsOf,
	recordOutcome,
	reviewsOfProject,
	type ReviewItemRecord,
	type ReviewRecord
} from './review-store';
import {
	personName,
	reviewDetails,
	reviewersOf,
	reviewSummary,
	type HeldReviewProject
} from './review-view';

export type { ReviewDeps } from './closing';

type ReviewOutcomeOf<T extends object, Code extends string> = Outcome<
	T,
	Code | 'project-not-found' | 'not-project-admin' | 'review-not-found'
>;

/** Starts a review of a zone of the project (null: of every member) and mails its reviewers. */
export function startReview(
	deps: ReviewDeps,
	projectId: string,
	starter: Account,
	input: StartReviewRequest
): Outcome<
	{ review: Review },
	| 'project-not-found'
	| 'not-project-admin'
	| 'not-zone-reviewer'
	| 'review-zone-unknown'
	| 'review-due-date'
	| 'review-empty'
	| 'review-open',
	{ fields?: Record<string, string[]> }
> {
	const { db, now } = deps;
	return withProject(deps.registry, projectId, (held) => {
		const project = { ...held, projectId };
		const allowed = checkReviewStart(held.facts, starter.id, input.zoneId);
		if (!allowed.ok) return allowed;
		const due = checkReviewDueDate(input.dueAt, now());
		if (!due.ok) return due;
		const members = reviewedMembers(held.document.root('members').values(), input.zoneId);
		if (members.length === 0)
			return fail(
				'review-empty',
				'Nobody is a member here from that zone: there is nobody to review.'
			);
		const record = {
			id: newId(),
			projectId,
			zoneId: input.zoneId,
			startedBy: starter.id,
			startedAt: now(),
			dueAt: input.dueAt
		};
		const paths = accessPathsInProject(db, projectId);
		const items: ReviewItemRecord[] = members.map((member) => ({
			accountId: member.accountId,
			name: member.name,
			email: member.email,
			zoneId: member.zoneId,
			role: member.role,
			scope: member.scope,
			joinedAt: member.joinedAt,
			reason: accessReasonOf(member, paths.get(member.accountId)),
			outcome: null,
			decidedBy: null,
			decidedAt: null
		}));
		if (!insertReview(db, record, items)) return alreadyOpen();
		const stored = findReview(db, projectId, record.id)!;
		mailReviewers(deps, project, stored, starter, items);
		return succeed({ review: reviewDetails(db, project, stored, starter.id, now()) });
	});
}

function alreadyOpen(): Failure<'review-open'> {
	return fail(
		'review-open',
		'A review of these people is already open: complete it, or wait for its due date, before starting another.'
	);
}

function mailReviewers(
	deps: ReviewDeps,
	project: HeldReviewProject,
	record: ReviewRecord,
	starter: Account,
	items: readonly ReviewItemRecord[]
): void {
	const { facts } = project;
	const reviewers = reviewersOf(project, new Set(items.map((item) => item.zoneId)));
	for (const reviewer of reviewers) {
		if (reviewer.accountId === starter.id) continue;
		deps.mailer.enqueue(
			accessReviewStartedMail({
				site: deps.site,
				to: reviewer.email,
				starterName: starter.name || starter.email,
				projectName: facts.project.name,
				scopeName: reviewScopeName(
					record.zoneId === null ? null : (facts.zone(record.zoneId)?.name ?? null)
				),
				people: items.length,
				dueAt: record.dueAt,
				path: reviewPath(record)
			})
		);
	}
}

/** Runs `use` for a Project Admin of the project, with the project held and the review read. */
function withReview<T extends object, Code extends string>(
	deps: ReviewDeps,
	projectId: string,
	reviewId: string,
	readerId: string,
	use: (project: HeldReviewProject, record: ReviewRecord) => Outcome<T, Code>
): ReviewOutcomeOf<T, Code> {
	return withProject(deps.registry, projectId, (held) => {
		const admin = checkProjectAdmin(held.facts, readerId);
		if (!admin.ok) return admin;
		const record = findReview(deps.db, projectId, reviewId);
		if (!record) return fail('review-not-found', 'There is no such review in this project.');
		return use({ ...held, projectId }, record);
	});
}

/** The project's reviews, for its Project Admins. */
export function listReviews(
	deps: ReviewDeps,
	projectId: string,
	readerId: string
): Outcome<{ reviews: ReviewSummary[] }, 'project-not-found' | 'not-project-admin'> {
	return withProject(deps.registry, projectId, (held) => {
		const admin = checkProjectAdmin(held.facts, readerId);
		if (!admin.ok) return admin;
		const project = { ...held, projectId };
		return succeed({
			reviews: reviewsOfProject(deps.db, projectId).map((record) =>
				reviewSummary(deps.db, project, record, readerId, deps.now())
			)
		});
	});
}

export function readReview(
	deps: ReviewDeps,
	projectId: string,
	reviewId: string,
	readerId: string
): ReviewOutcomeOf<{ review: Review }, never> {
	return withReview(deps, projectId, reviewId, readerId, (project, record) =>
		succeed({ review: reviewDetails(deps.db, project, record, readerId, deps.now()) })
	);
}

/**
 * A reviewer's decision about one person. Keep is recorded; Remove is first made, as the
 * reviewer's change to the project document, and recorded only if the policy let it stand (a
 * refusal is answered with the policy's reason, and the person stays undecided).
 */
export function decideAboutPerson(
	deps: ReviewDeps,
	target: { projectId: string; reviewId: string; accountId: string },
	reviewerId: string,
	decision: ReviewDecision
): ReviewOutcomeOf<
	{ review: Review },
	| 'review-item-not-found'
	| 'review-closed'
	| 'review-item-decided'
	| 'not-zone-reviewer'
	| 'review-own-access'
	| 'review-person-gone'
	| ReasonCode
> {
	const { db, registry, now } = deps;
	return withReview(deps, target.projectId, target.reviewId, reviewerId, (project, record) => {
		const item = findItem(db, record.id, target.accountId);
		if (!item) return fail('review-item-not-found', 'This person is not part of this review.');
		const allowed = checkReviewDecision(project.facts, reviewerId, { review: record, item }, now());
		if (!allowed.ok) return allowed;
		if (decision === 'remove') {
			const made = registry.changeAs(projectDocument(target.projectId), reviewerId, [
				{ root: 'members', key: item.accountId, value: undefined }
			]);
			const refusal = made?.refused[0];
			if (refusal) return refusal.decision;
		}
		recordOutcome(db, record.id, item.accountId, decision, reviewerId, now());
		return succeed({ review: reviewDetails(db, project, record, reviewerId, now()) });
	});
}

/** Closes the review before its due date; whoever is undecided is reported as such. */
export function completeReview(
	deps: ReviewDeps,
	projectId: string,
	reviewId: string,
	actorId: string
): ReviewOutcomeOf<{ review: Review }, 'review-closed' | 'not-zone-reviewer'> {
	return withReview(deps, projectId, reviewId, actorId, (project, record) => {
		const allowed = checkReviewCompletion(project.facts, actorId, record);
		if (!allowed.ok) return allowed;
		if (!closeReview(deps, record, 'completed', actorId))
			return fail('review-closed', 'This review is already closed.');
		const closed = findReview(deps.db, projectId, reviewId)!;
		return succeed({ review: reviewDetails(deps.db, project, closed, actorId, deps.now()) });
	});
}

/** One person of a review as its CSV lists them, in words. */
export interface ReviewLine {
	person: string;
	email: string;
	zone: string;
	role: string;
	dataViews: string;
	reason: string;
	decision: string;
	decidedBy: string;
	decidedAt: number | null;
}

/** The review for an auditor's file: each person, their access and its reason, the decision. */
export function reviewLines(
	deps: ReviewDeps,
	projectId: string,
	reviewId: string,
	readerId: string
): ReviewOutcomeOf<
	{ projectName: string; scopeName: string; startedAt: number; lines: ReviewLine[] },
	never
> {
	return withReview(deps, projectId, reviewId, readerId, ({ document, facts }, record) => {
		const zoneNames = new Map([...document.root('zones').values()].map((z) => [z.id, z.name]));
		const viewNames = Object.fromEntries(
			[...document.root('views').values()].map((view) => [view.id, view.name])
		);
		const lines = itemsOf(deps.db, record.id).map((item) => ({
			person: item.name,
			email: item.email,
			zone: zoneNames.get(item.zoneId) ?? '',
			role: ROLE_LABELS[item.role],
			dataViews: scopeWords(item.scope, viewNames),
			reason: item.reason,
			decision: outcomeLabel(item.outcome),
			decidedBy: item.decidedBy === null ? '' : personName(deps.db, facts, item.decidedBy),
			decidedAt: item.decidedAt
		}));
		return succeed({
			projectName: facts.project.name,
			scopeName: reviewScopeName(
				record.zoneId === null ? null : (zoneNames.get(record.zoneId) ?? 'a former zone')
			),
			startedAt: record.startedAt,
			lines
		});
	});
}
