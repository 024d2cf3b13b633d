/**
 * The offboardings' table: one row per offboarding of a member library, from the moment it is
 * applied until it finishes, so that one cut short (a crash between two documents) is known, is
 * finished by the next apply and is still recorded as one act.
 */
import type { Migration } from '../db/database';

export const OFFBOARDING_MIGRATIONS: Migration[] = [
	{
		id: 'offboarding-001-offboardings',
		sql: `
		CREATE TABLE offboardings (
			id INTEGER PRIMARY KEY,
			consortium_id TEXT NOT NULL REFERENCES consortia(id),
			zone_id TEXT NOT NULL REFERENCES zones(id),
			started_by TEXT NOT NULL,
			started_at INTEGER NOT NULL,
			-- A JSON array of the plan's item keys ("membership:p1:ada"): the union of every apply
			-- until it finishes, which its one audit entry counts.
			items TEXT NOT NULL,
			completed_at INTEGER,
			-- The governance entry (audit_log.entry_key) written when it finished.
			event_id TEXT
		) STRICT;
		CREATE UNIQUE INDEX offboardings_one_unfinished ON offboardings(zone_id)
			WHERE completed_at IS NULL;
		CREATE INDEX offboardings_by_consortium ON offboardings(consortium_id, zone_id);`
	}
];
