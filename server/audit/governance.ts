/**
 * Writing a governance action (src/lib/shared/governance-events.ts) into the audit log: one row,
 * root `governance`, the event as its value, filed under its project (the project's audit log
 * shows it) or, when it crosses projects, under the consortium. The person or zone it concerns
 * fills the log's person and zone columns, so the filters find it with the changes it caused.
 */
import {
	consortiumEventDocument,
	GovernanceEventSchema,
	GOVERNANCE_ROOT,
	newId,
	projectDocument,
	type GovernanceEvent
} from '../../src/lib/shared';
import type { Db } from '../db/database';

export interface GovernanceRecord {
	/** The project whose log keeps it, or the consortium for an act across its projects. */
	place: { projectId: string } | { consortiumId: string };
	/** Null: the server (or the consortium office through `npm run admin`). */
	authorId: string | null;
	/** Whom and which zone the act is about, for the log's filters. */
	subject?: { accountId?: string; email?: string; zoneId?: string };
	event: GovernanceEvent;
	at: number;
}

/** Records the event and returns its id (the row's entry key). */
export function recordGovernanceEvent(db: Db, record: GovernanceRecord): string {
	const event = GovernanceEventSchema.parse(record.event);
	const id = newId();
	const projectId = 'projectId' in record.place ? record.place.projectId : null;
	const document =
		'projectId' in record.place
			? projectDocument(record.place.projectId)
			: consortiumEventDocument(record.place.consortiumId);
	db.prepare(
		`INSERT INTO audit_log (at, project_id, document, view_id, root, entry_key, author_id,
		 outcome, after_json, change_kind, subject_id, subject_email, zone_id)
		 VALUES (?, ?, ?, NULL, ?, ?, ?, 'accepted', ?, 'add', ?, ?, ?)`
	).run(
		record.at,
		projectId,
		document,
		GOVERNANCE_ROOT,
		id,
		record.authorId,
		JSON.stringify(event),
		record.subject?.accountId ?? null,
		record.subject?.email?.toLowerCase() ?? null,
		record.subject?.zoneId ?? null
	);
	return id;
}
