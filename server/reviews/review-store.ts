/**
 * The rows of access reviews (SQL `reviews`, `review_items`), read and written as plain values.
 * Every write that moves a review or a person on is guarded by the state it moves from (`open`,
 * undecided), so that two reviewers, or a reviewer and the due date, cannot both win.
 */
import type { ReviewClosing, ReviewOutcome, Role, Scope } from '../../src/lib/shared';
import type { Db } from '../db/database';

export interface ReviewRecord {
	id: string;
	projectId: string;
	zoneId: string | null;
	startedBy: string;
	startedAt: number;
	dueAt: number;
	status: 'open' | 'closed';
	closing: ReviewClosing | null;
	closedBy: string | null;
	closedAt: number | null;
}

export interface ReviewItemRecord {
	accountId: string;
	name: string;
	email: string;
	zoneId: string;
	role: Role;
	scope: Scope;
	joinedAt: number;
	reason: string;
	outcome: ReviewOutcome | null;
	decidedBy: string | null;
	decidedAt: number | null;
}

const REVIEW_COLUMNS = `id, project_id AS projectId, zone_id AS zoneId, started_by AS startedBy,
	started_at AS startedAt, due_at AS dueAt, status, closing, closed_by AS closedBy,
	closed_at AS closedAt`;

/** Writes a new review and its people; false when the zone already has an open review. */
export function insertReview(
	db: Db,
	review: Omit<ReviewRecord, 'status' | 'closing' | 'closedBy' | 'closedAt'>,
	items: readonly ReviewItemRecord[]
): boolean {
	const insertItem = db.prepare(
		`INSERT INTO review_items (review_id, account_id, name, email, zone_id, role, scope_json,
		 joined_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	);
	return db.transaction(() => {
		if (findOpenReview(db, review.projectId, review.zoneId)) return false;
		db.prepare(
			`INSERT INTO reviews (id, project_id, zone_id, started_by, started_at, due_at, status)
			 VALUES (?, ?, ?, ?, ?, ?, 'open')`
		).run(
			review.id,
			review.projectId,
			review.zoneId,
			review.startedBy,
			review.startedAt,
			review.dueAt
		);
		for (const item of items) {
			insertItem.run(
				review.id,
				item.accountId,
				item.name,
				item.email,
				item.zoneId,
				item.role,
				JSON.stringify(item.scope),
				item.joinedAt,
				item.reason
			);
		}
		return true;
	})();
}

export function findReview(db: Db, projectId: string, reviewId: string): ReviewRecord | null {
	const row = db
		.prepare(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE id = ? AND project_id = ?`)
		.get(reviewId, projectId) as ReviewRecord | undefined;
	return row ?? null;
}

/** The open review of a zone of the project (null: of the whole project), if there is one. */
export function findOpenReview(
	db: Db,
	projectId: string,
	zoneId: string | null
): ReviewRecord | null {
	const row = db
		.prepare(
			`SELECT ${REVIEW_COLUMNS} FROM reviews
			 WHERE project_id = ? AND zone_id IS ? AND status = 'open'`
		)
		.get(projectId, zoneId) as ReviewRecord | undefined;
	return row ?? null;
}

/** The project's reviews, open ones first, then the latest started first. */
export function reviewsOfProject(db: Db, projectId: string): ReviewRecord[] {
	return db
		.prepare(
			`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE project_id = ?
			 ORDER BY status = 'open' DESC, started_at DESC`
		)
		.all(projectId) as ReviewRecord[];
}

/** Open reviews whose due date has come, the earliest first. */
export function dueReviews(db: Db, now: number, limit: number): ReviewRecord[] {
	return db
		.prepare(
			`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE status = 'open' AND due_at <= ?
			 ORDER BY due_at LIMIT ?`
		)
		.all(now, limit) as ReviewRecord[];
}

/** When the next open review falls due; null when none is open. */
export function earliestDueAt(db: Db): number | null {
	return db.prepare(`SELECT MIN(due_at) FROM reviews WHERE status = 'open'`).pluck().get() as
		number | null;
}

interface ItemRow extends Omit<ReviewItemRecord, 'scope'> {
	scopeJson: string;
}

const ITEM_COLUMNS = `account_id AS accountId, name, email, zone_id AS zoneId, role,
	scope_json AS scopeJson, joined_at AS joinedAt, reason, outcome, decided_by AS decidedBy,
	decided_at AS decidedAt`;

function itemOf({ scopeJson, ...row }: ItemRow): ReviewItemRecord {
	return { ...row, scope: JSON.parse(scopeJson) as Scope };
}

/** The people of a review, by name. */
export function itemsOf(db: Db, reviewId: string): ReviewItemRecord[] {
	const rows = db
		.prepare(
			`SELECT ${ITEM_COLUMNS} FROM review_items WHERE review_id = ?
			 ORDER BY name COLLATE NOCASE, email`
		)
		.all(reviewId) as ItemRow[];
	return rows.map(itemOf);
}

export function findItem(db: Db, reviewId: string, accountId: string): ReviewItemRecord | null {
	const row = db
		.prepare(`SELECT ${ITEM_COLUMNS} FROM review_items WHERE review_id = ? AND account_id = ?`)
		.get(reviewId, accountId) as ItemRow | undefined;
	return row ? itemOf(row) : null;
}

/** Records what became of an undecided person; false when somebody decided first. */
export function recordOutcome(
	db: Db,
	reviewId: string,
	accountId: string,
	outcome: ReviewOutcome,
	decidedBy: string | null,
	at: number
): boolean {
	return (
		db
			.prepare(
				`UPDATE review_items SET outcome = ?, decided_by = ?, decided_at = ?
				 WHERE review_id = ? AND account_id = ? AND outcome IS NULL`
			)
			.run(outcome, decidedBy, at, reviewId, accountId).changes === 1
	);
}

/** Closes an open review; false when it was closed already. */
export function markClosed(
	db: Db,
	reviewId: string,
	closing: ReviewClosing,
	closedBy: string | null,
	at: number
): boolean {
	return (
		db
			.prepare(
				`UPDATE reviews SET status = 'closed', closing = ?, closed_by = ?, closed_at = ?
				 WHERE id = ? AND status = 'open'`
			)
			.run(closing, closedBy, at, reviewId).changes === 1
	);
}
