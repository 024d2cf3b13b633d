/**
 * Access reviews' tables: a review (whose people, started by whom, due when, how it closed) and
 * one row per person it asks about, with their access as it stood when the review started and
 * what the reviewers decided.
 */
import type { Migration } from '../db/database';

export const REVIEW_MIGRATIONS: Migration[] = [
	{
		id: 'reviews-001-reviews',
		sql: `
		-- zone_id NULL: the whole project. closing: 'completed' (closed_by the reviewer who
		-- completed it) or 'due-date' (closed by the server, closed_by NULL).
		CREATE TABLE reviews (
			id TEXT PRIMARY KEY,
			project_id TEXT NOT NULL,
			zone_id TEXT,
			started_by TEXT NOT NULL,
			started_at INTEGER NOT NULL,
			due_at INTEGER NOT NULL,
			status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
			closing TEXT CHECK (closing IN ('completed', 'due-date')),
			closed_by TEXT,
			closed_at INTEGER,
			CHECK ((status = 'open') = (closing IS NULL AND closed_at IS NULL))
		) STRICT;
		CREATE INDEX reviews_by_project ON reviews(project_id, started_at);
		CREATE INDEX reviews_open_by_due ON reviews(due_at) WHERE status = 'open';
		-- One open review per zone of a project at a time (the whole project counts as one).
		CREATE UNIQUE INDEX reviews_one_open ON reviews(project_id, ifnull(zone_id, ''))
			WHERE status = 'open';

		-- outcome: 'keep' or 'remove' (decided_by a reviewer), 'left' (no longer a member when
		-- the review closed, undecided; decided_by NULL), NULL: undecided.
		CREATE TABLE review_items (
			review_id TEXT NOT NULL REFERENCES reviews(id),
			account_id TEXT NOT NULL,
			name TEXT NOT NULL,
			email TEXT NOT NULL,
			zone_id TEXT NOT NULL,
			role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'consumer')),
			scope_json TEXT NOT NULL,
			joined_at INTEGER NOT NULL,
			reason TEXT NOT NULL,
			outcome TEXT CHECK (outcome IN ('keep', 'remove', 'left')),
			decided_by TEXT,
			decided_at INTEGER,
			PRIMARY KEY (review_id, account_id)
		) STRICT, WITHOUT ROWID;`
	}
];
