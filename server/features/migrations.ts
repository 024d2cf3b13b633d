/**
 * What the features' indexes need from the schema as a whole: a mark that says documents an older
 * version wrote are still to be indexed (features/backfill.ts deletes it once done), and the
 * snapshot of each document the indexes are in step with (features/index-stamps.ts).
 */
import type { Migration } from '../db/database';

export const FEATURE_MIGRATIONS: Migration[] = [
	{
		id: 'workflow-005-index-existing-documents',
		sql: `
		-- Documents written before these indexes existed are read once at the next start
		-- (server/features/backfill.ts), which then deletes this mark.
		CREATE TABLE workflow_marks (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
		INSERT INTO workflow_marks (name) VALUES ('index-existing-documents');`
	},
	{
		id: 'workflow-007-index-stamps',
		sql: `
		-- The snapshot of each document the indexes were last known to be in step with
		-- (server/features/index-stamps.ts): a document that loads as that snapshot is not checked.
		CREATE TABLE index_stamps (doc TEXT PRIMARY KEY, snapshot TEXT NOT NULL) STRICT, WITHOUT ROWID;`
	}
];
