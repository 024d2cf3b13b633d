/**
 * The audit log: every accepted change and every refused attempt on every document.
 */
import type { Migration } from '../db/database';

export const AUDIT_MIGRATIONS: Migration[] = [
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
		id: 'workflow-006-audit-via-portal',
		sql: `
		-- The portal whose embedded widget made the change ("<person> via <portal>"); NULL for the
		-- console's own connections and the server. Portals are never deleted, only revoked.
		ALTER TABLE audit_log ADD COLUMN via_portal_id TEXT;`
	},
	{
		id: 'audit-001-change-subject-zone',
		sql: `
		-- What the change did (also when its values are not kept), and whom and which zone an entry
		-- of the project document is about: the audit log's person and zone filters. Rows logged
		-- before are filled in from their values where they were kept.
		ALTER TABLE audit_log ADD COLUMN change_kind TEXT
			CHECK (change_kind IN ('add', 'update', 'delete'));
		ALTER TABLE audit_log ADD COLUMN subject_id TEXT;
		ALTER TABLE audit_log ADD COLUMN subject_email TEXT;
		ALTER TABLE audit_log ADD COLUMN zone_id TEXT;
		UPDATE audit_log SET change_kind = CASE
			WHEN before_json IS NULL THEN 'add' WHEN after_json IS NULL THEN 'delete' ELSE 'update' END
			WHERE redacted IS NULL;
		UPDATE audit_log SET
			subject_id = CASE audit_log.root
				WHEN 'members' THEN audit_log.entry_key WHEN 'requests' THEN entry.requester_id END,
			subject_email = lower(CASE audit_log.root
				WHEN 'requests' THEN entry.requester_email ELSE entry.email END),
			zone_id = CASE audit_log.root
				WHEN 'requests' THEN entry.requester_zone_id ELSE entry.zone_id END
			FROM (
				SELECT id,
					iif(json_type(value, '$.email') = 'text', value ->> '$.email', NULL) AS email,
					iif(json_type(value, '$.zoneId') = 'text', value ->> '$.zoneId', NULL) AS zone_id,
					iif(json_type(value, '$.requesterId') = 'text', value ->> '$.requesterId', NULL)
						AS requester_id,
					iif(json_type(value, '$.requesterEmail') = 'text', value ->> '$.requesterEmail', NULL)
						AS requester_email,
					iif(json_type(value, '$.requesterZoneId') = 'text', value ->> '$.requesterZoneId', NULL)
						AS requester_zone_id
				FROM (SELECT id, coalesce(after_json, before_json) AS value FROM audit_log
					WHERE document LIKE 'project/%' AND root IN ('members', 'invites', 'requests')
					AND json_valid(coalesce(after_json, before_json)))
			) AS entry
			WHERE audit_log.id = entry.id;
		CREATE INDEX audit_log_by_subject ON audit_log(project_id, subject_id);
		CREATE INDEX audit_log_by_subject_email ON audit_log(project_id, subject_email);`
	},
	{
		id: 'audit-002-consortium-entries',
		sql: `
		-- Governance actions filed under a consortium (document 'consortium/<id>', no project): its
		-- log, read by the consortium office, newest first.
		CREATE INDEX audit_log_by_consortium ON audit_log(document, id) WHERE project_id IS NULL;`
	},
	{
		id: 'audit-003-partial-indexes',
		sql: `
		-- Each index holds only the rows its queries can find: every query of a project's log names
		-- the project, of a person's history the person, of an address's history its invitations,
		-- of a consortium's log its governance events. A change to a member writes, beside its own
		-- row, rows for the user documents it projects into (no project, no subject); each index
		-- leaf a row touched was one more page written to the WAL, and later to the database.
		DROP INDEX audit_log_by_project;
		CREATE INDEX audit_log_by_project ON audit_log(project_id, id) WHERE project_id IS NOT NULL;
		DROP INDEX audit_log_by_subject;
		CREATE INDEX audit_log_by_subject ON audit_log(project_id, subject_id)
			WHERE subject_id IS NOT NULL;
		DROP INDEX audit_log_by_subject_email;
		CREATE INDEX audit_log_by_subject_email ON audit_log(project_id, subject_email)
			WHERE root = 'invites';
		DROP INDEX audit_log_by_consortium;
		CREATE INDEX audit_log_by_consortium ON audit_log(document, id)
			WHERE project_id IS NULL AND root = 'governance';`
	}
];
