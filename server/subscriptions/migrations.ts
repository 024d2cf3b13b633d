/**
 * The digest schedule of board subscriptions: an SQL index over each data view document's
 * subscriptions, with the schedule's own facts (when each digest is next due).
 */
import type { Migration } from '../db/database';

export const SUBSCRIPTION_MIGRATIONS: Migration[] = [
	{
		id: 'workflow-004-subscription-schedule',
		sql: `
		-- One row per entry of each data view document's subscriptions map, with its schedule:
		-- due at anchor_at plus whole periods; next_due_at and last_sent_at move forward in the
		-- same transaction as the digest's outbox rows, so a digest is queued once per period.
		CREATE TABLE subscription_schedule (
			project_id TEXT NOT NULL,
			view_id TEXT NOT NULL,
			subscription_id TEXT NOT NULL,
			board_id TEXT NOT NULL,
			cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
			recipients TEXT NOT NULL,
			paused INTEGER NOT NULL,
			created_by TEXT NOT NULL,
			anchor_at INTEGER NOT NULL,
			next_due_at INTEGER NOT NULL,
			last_sent_at INTEGER,
			PRIMARY KEY (project_id, view_id, subscription_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX subscription_schedule_due ON subscription_schedule(paused, next_due_at);`
	}
];
