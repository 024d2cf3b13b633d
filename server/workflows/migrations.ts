/**
 * The workflows' tables. Memberships, requests and subscriptions live in Yjs documents; these are
 * SQL indexes over them, kept in step by registry listeners, so that questions across projects
 * ("which consortia is this person a Network Zone user of", "which digests are due") never load
 * documents. The audit log and the digest schedule are facts of their own.
 */
import type { Migration } from '../db/migrations';

export const WORKFLOW_MIGRATIONS: Migration[] = [
	{
		id: 'workflow-001-memberships-and-zone-people',
		sql: `
		-- One row per member entry of each project document.
		CREATE TABLE memberships (
			project_id TEXT NOT NULL,
			account_id TEXT NOT NULL,
			role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'consumer')),
			zone_id TEXT NOT NULL,
			-- The member's data-view scope as JSON: "all" or a list of view ids.
			scope TEXT NOT NULL,
			PRIMARY KEY (project_id, account_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX memberships_by_account ON memberships(account_id);
		-- Who belongs to a zone: members of a project with that zone as their home zone, and people
		-- the consortium office added. A home zone is a fact about the person, so it stays when
		-- they leave a project.
		CREATE TABLE zone_people (
			zone_id TEXT NOT NULL,
			account_id TEXT NOT NULL,
			source TEXT NOT NULL CHECK (source IN ('membership', 'office')),
			added_at INTEGER NOT NULL,
			PRIMARY KEY (zone_id, account_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX zone_people_by_account ON zone_people(account_id);`
	},
	{
		id: 'workflow-002-access-requests',
		sql: `
		-- One row per entry of each project document's requests map.
		CREATE TABLE access_requests (
			project_id TEXT NOT NULL,
			request_id TEXT NOT NULL,
			requester_id TEXT NOT NULL,
			kind TEXT NOT NULL CHECK (kind IN ('join', 'subscription')),
			status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
			created_at INTEGER NOT NULL,
			PRIMARY KEY (project_id, request_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX access_requests_by_requester ON access_requests(requester_id, project_id);`
	},
	{
		id: 'workflow-003-audit-log',
		sql: `
		-- Every accepted change and every refused attempt on every document. The id orders the log
		-- and is the cursor of its pages.
		CREATE TABLE audit_log (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			at INTEGER NOT NULL,
			project_id TEXT,
			document TEXT NOT NULL,
			view_id TEXT,
			root TEXT NOT NULL,
			entry_key TEXT NOT NULL,
			author_id TEXT,
			outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
			reason_code TEXT,
			message TEXT,
			before_json TEXT,
			after_json TEXT,
			redacted TEXT CHECK (redacted IN ('private-document', 'too-large'))
		) STRICT;
		CREATE INDEX audit_log_by_project ON audit_log(project_id, id);`
	},
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
	},
	{
		id: 'workflow-005-index-existing-documents',
		sql: `
		-- Documents written before these indexes existed are read once at the next start
		-- (server/workflows/backfill.ts), which then deletes this mark.
		CREATE TABLE workflow_marks (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
		INSERT INTO workflow_marks (name) VALUES ('index-existing-documents');`
	},
	{
		id: 'workflow-006-audit-via-portal',
		sql: `
		-- The portal whose embedded widget made the change ("<person> via <portal>"); NULL for the
		-- console's own connections and the server. Portals are never deleted, only revoked.
		ALTER TABLE audit_log ADD COLUMN via_portal_id TEXT;`
	}
];
