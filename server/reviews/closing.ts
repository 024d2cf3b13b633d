/**
 * Closing an access review, by a reviewer's Complete or by the server at the due date: in one SQL
 * transaction, guarded by the review being open (so it closes once, whoever comes first), the
 * people nobody decided about who are no longer members are marked as such, the rest stay
 * undecided (reported, never removed for it), the result becomes ONE governance entry of the
 * project's audit log, and its starter is mailed the result with the undecided people by name.
 */
import {
	countOutcomes,
	describeReviewCounts,
	formatDateTime,
	projectDocument,
	reviewScopeName,
	type ProjectFacts,
	type ReviewClosing
} from '../../src/lib/shared';
import { findAccountById } from '../auth/accounts';
import { recordGovernanceEvent } from '../audit/governance';
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import { accessReviewClosedMail, type SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';
import { itemsOf, markClosed, recordOutcome, type ReviewRecord } from './review-store';
import { personName } from './review-view';

export interface ReviewDeps {
	db: Db;
	registry: DocumentRegistry;
	mailer: MailQueue;
	site: SiteUrl;
	now: () => number;
}

/** The page of a review, where its mail links. */
export function reviewPath(record: Pick<ReviewRecord, 'projectId' | 'id'>): string {
	return `/projects/${record.projectId}/settings/reviews/${record.id}`;
}

/**
 * Closes the review if it is still open; false when it was closed already. `closedBy` is the
 * reviewer who completed it; null when its due date closed it.
 */
export function closeReview(
	deps: ReviewDeps,
	record: ReviewRecord,
	closing: ReviewClosing,
	closedBy: string | null
): boolean {
	const closed = deps.registry.read(projectDocument(record.projectId), (document) =>
		closeWith(deps, record, closing, closedBy, document.index!)
	);
	return closed ?? false;
}

function closeWith(
	deps: ReviewDeps,
	record: ReviewRecord,
	closing: ReviewClosing,
	closedBy: string | null,
	facts: ProjectFacts
): boolean {
	const { db } = deps;
	const at = deps.now();
	return db.transaction(() => {
		if (!markClosed(db, record.id, closing, closedBy, at)) return false;
		for (const item of itemsOf(db, record.id)) {
			if (item.outcome === null && !facts.member(item.accountId))
				recordOutcome(db, record.id, item.accountId, 'left', null, at);
		}
		const items = itemsOf(db, record.id);
		const counts = countOutcomes(items.map((item) => item.outcome));
		const decisions = items
			.filter((item) => item.decidedBy !== null)
			.sort((a, b) => a.decidedAt! - b.decidedAt!);
		recordGovernanceEvent(db, {
			place: { projectId: record.projectId },
			authorId: closedBy,
			...(record.zoneId === null ? {} : { subject: { zoneId: record.zoneId } }),
			event: {
				kind: 'review-completed',
				reviewId: record.id,
				zoneId: record.zoneId,
				startedBy: record.startedBy,
				startedAt: record.startedAt,
				dueAt: record.dueAt,
				closing,
				kept: counts.kept,
				removed: counts.removed,
				left: counts.left,
				undecided: counts.undecided,
				reviewerIds: [...new Set(decisions.map((item) => item.decidedBy!))]
			},
			at
		});
		const starter = findAccountById(db, record.startedBy);
		if (starter && closedBy !== record.startedBy) {
			deps.mailer.enqueue(
				accessReviewClosedMail({
					site: deps.site,
					to: starter.email,
					projectName: facts.project.name,
					scopeName: reviewScopeName(
						record.zoneId === null ? null : (facts.zone(record.zoneId)?.name ?? 'a former zone')
					),
					how:
						closedBy === null
							? `its due date, ${formatDateTime(record.dueAt, 'UTC')}, passed`
							: `${personName(db, facts, closedBy)} completed it`,
					result: describeReviewCounts(counts),
					undecided: items
						.filter((item) => item.outcome === null)
						.map((item) => (item.name ? `${item.name} (${item.email})` : item.email)),
					path: reviewPath(record)
				})
			);
		}
		return true;
	})();
}
